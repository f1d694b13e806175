import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Collections, OperatorView } from '@onehazel/projections';
import { findPage, KeysetPage, ReadStore, Scalar } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { PersonalDataCipher } from '../../../personal-data/personal-data.cipher';
import { ListOperatorsQuery } from './list-operators.query';

@QueryHandler(ListOperatorsQuery)
export class ListOperatorsHandler implements IQueryHandler<ListOperatorsQuery> {
  constructor(
    @Inject(READ_STORE) private readonly read: ReadStore,
    private readonly personalData: PersonalDataCipher,
  ) {}

  async execute({ platformId, limit, cursor, status }: ListOperatorsQuery): Promise<KeysetPage<OperatorView>> {
    const where: Record<string, Scalar> = { platformId };
    if (status) where.status = status;
    const { items, nextCursor } = await findPage<OperatorView>(this.read, Collections.operators, { where, orderBy: 'createdPosition', limit, cursor });
    return { items: await Promise.all(items.map((view) => this.personalData.revealOperator(view))), nextCursor };
  }
}
