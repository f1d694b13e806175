import { Query } from '@nestjs/cqrs';
import type { HistoryPage, HistoryWindow } from '@onehazel/audit';

/**
 * What happened to one of the operator's keys, replayed from the log, and what it looked like and could do
 * at `asOf`; API_KEY_NOT_FOUND when it has no history.
 */
export class GetKeyHistoryQuery extends Query<HistoryPage> {
  constructor(
    readonly operatorId: string,
    readonly keyId: string,
    readonly window: HistoryWindow,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
