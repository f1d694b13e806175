import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '@onehazel/domain';
import { Collections, OperatorView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { OPERATOR_ID_PATTERN } from '../../operator.response';
import { OperatorContactCipher } from '../../operator-contact.cipher';
import { GetOperator } from './get-operator.query';

@QueryHandler(GetOperator)
export class GetOperatorHandler implements IQueryHandler<GetOperator> {
  constructor(
    @Inject(READ_STORE) private readonly read: ReadStore,
    private readonly contact: OperatorContactCipher,
  ) {}

  async execute({ platformId, operatorId }: GetOperator): Promise<OperatorView> {
    const view = OPERATOR_ID_PATTERN.test(operatorId)
      ? ((await this.read.get(Collections.operators, operatorId)) as OperatorView | null)
      : null;
    if (!view || view.platformId !== platformId) throw new DomainError('OPERATOR_NOT_FOUND', 'Operator not found');
    return this.contact.reveal(view);
  }
}
