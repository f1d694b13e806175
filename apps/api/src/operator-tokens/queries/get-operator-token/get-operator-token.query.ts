import { Query } from '@nestjs/cqrs';
import type { KeysetPage } from '@onehazel/read-store';
import type { OperatorTokenWithUsage } from '../list-operator-tokens/list-operator-tokens.query';

/** One child key of a token, with this month's submissions. */
export type ChildUsage = Readonly<{
  keyId: string;
  agentId: string;
  displayName: string | null;
  submissions: number;
  lastUsedAt: string | null;
  revokedAt: string | null;
}>;

export type OperatorTokenDetail = Readonly<{
  token: OperatorTokenWithUsage;
  /** Each child may use at most this much of the pool per month. */
  childShare: number;
  /** When this month's counts start again (00:00 UTC on the 1st). */
  resetsAt: string;
  children: KeysetPage<ChildUsage>;
}>;

/** One of the operator's tokens (revoked ones too), with a page of its child keys and their usage. */
export class GetOperatorTokenQuery extends Query<OperatorTokenDetail> {
  constructor(
    readonly operatorId: string,
    readonly tokenId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
