import { Query } from '@nestjs/cqrs';
import type { KeysetPage } from '@onehazel/read-store';
import type { HistoryEntry } from '../../../audit/history-entry';

/** The operator's events and its keys', in log order, replayed from the log (no secrets). */
export class GetOperatorHistoryQuery extends Query<KeysetPage<HistoryEntry>> {
  constructor(
    readonly operatorId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
