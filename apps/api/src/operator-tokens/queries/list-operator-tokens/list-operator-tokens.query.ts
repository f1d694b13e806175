import { Query } from '@nestjs/cqrs';
import type { OperatorTokenView } from '@onehazel/projections';

/** A token as its operator sees it: never its secret or hash; this month's submissions. */
export type OperatorTokenWithUsage = Readonly<Omit<OperatorTokenView, 'tokenHash'> & { usageThisMonth: number }>;

/** The operator's live tokens, oldest first (at most OPERATOR_TOKENS_MAX, itself at most 100: one page). */
export class ListOperatorTokensQuery extends Query<OperatorTokenWithUsage[]> {
  constructor(readonly operatorId: string) {
    super();
  }
}
