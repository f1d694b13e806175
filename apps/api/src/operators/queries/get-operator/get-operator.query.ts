import { Query } from '@nestjs/cqrs';
import type { OperatorView } from '@onehazel/projections';

/** One operator of the platform, its contact e-mail decrypted; OPERATOR_NOT_FOUND for another platform's. */
export class GetOperatorQuery extends Query<OperatorView> {
  constructor(
    readonly platformId: string,
    readonly operatorId: string,
  ) {
    super();
  }
}
