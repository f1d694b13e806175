import { Query } from '@nestjs/cqrs';
import type { HistoryPage, HistoryWindow } from '@onehazel/audit';

/**
 * One of the operator's tokens, replayed from the log: its events and its child keys' (minted, revoked,
 * renamed, deleted), and at `asOf` its state then, with which child keys existed and were live.
 */
export class GetOperatorTokenHistoryQuery extends Query<HistoryPage> {
  constructor(
    readonly operatorId: string,
    readonly tokenId: string,
    readonly window: HistoryWindow,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
