import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '@onehazel/domain';
import { Collections, OperatorView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { PersonalDataCipher } from '../../../personal-data/personal-data.cipher';
import { GetOperatorQuery } from './get-operator.query';

/** Operator ids as the product makes them: anything else is not looked up. */
const OPERATOR_ID = /^op_[0-9a-f]{16}$/;

@QueryHandler(GetOperatorQuery)
export class GetOperatorHandler implements IQueryHandler<GetOperatorQuery> {
  constructor(
    @Inject(READ_STORE) private readonly read: ReadStore,
    private readonly personalData: PersonalDataCipher,
  ) {}

  async execute({ platformId, operatorId }: GetOperatorQuery): Promise<OperatorView> {
    const view = OPERATOR_ID.test(operatorId) ? ((await this.read.get(Collections.operators, operatorId)) as OperatorView | null) : null;
    // Another platform's operator is not found either: nothing confirms that it exists.
    if (!view || view.platformId !== platformId) throw new DomainError('OPERATOR_NOT_FOUND', 'Operator not found');
    return this.personalData.revealOperator(view);
  }
}
