import { Query } from '@nestjs/cqrs';
import type { KeysetPage } from '@onehazel/read-store';
import type { HistoryEntry } from '../../../audit/history-entry';

/** What happened to one of the operator's keys, replayed from the log; API_KEY_NOT_FOUND when it has no history. */
export class GetKeyHistoryQuery extends Query<KeysetPage<HistoryEntry>> {
  constructor(
    readonly operatorId: string,
    readonly keyId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
