import { Query } from '@nestjs/cqrs';
import type { OperatorStatus } from '@onehazel/domain';
import type { OperatorView } from '@onehazel/projections';

export class ListOperators extends Query<{ operators: OperatorView[]; nextCursor: string | null }> {
  constructor(
    readonly platformId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
    readonly status: OperatorStatus | undefined,
  ) {
    super();
  }
}
