import { Query } from '@nestjs/cqrs';
import type { HistoryPage, HistoryWindow } from '@onehazel/audit';

/** The operator's events and its keys', in log order, replayed from the log (no secrets); its state at `asOf`. */
export class GetOperatorHistoryQuery extends Query<HistoryPage> {
  constructor(
    readonly operatorId: string,
    readonly window: HistoryWindow,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
