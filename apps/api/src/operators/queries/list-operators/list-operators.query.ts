import { Query } from '@nestjs/cqrs';
import type { OperatorStatus } from '@onehazel/domain';
import type { OperatorView } from '@onehazel/projections';
import type { KeysetPage } from '@onehazel/read-store';

/** The platform's operators in the order they were created (log order), a page at a time, optionally by status. */
export class ListOperatorsQuery extends Query<KeysetPage<OperatorView>> {
  constructor(
    readonly platformId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
    readonly status: OperatorStatus | undefined,
  ) {
    super();
  }
}
