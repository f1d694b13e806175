import { Query } from '@nestjs/cqrs';
import type { OperatorView } from '@onehazel/projections';

/** One operator of the platform; OPERATOR_NOT_FOUND for another platform's. */
export class GetOperator extends Query<OperatorView> {
  constructor(
    readonly platformId: string,
    readonly operatorId: string,
  ) {
    super();
  }
}
