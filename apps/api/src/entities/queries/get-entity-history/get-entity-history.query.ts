import { Query } from '@nestjs/cqrs';
import type { HistoryPage, HistoryWindow } from '@onehazel/audit';

/**
 * An entity's life, replayed from its stream: when it was created, updated and erased, by whom, and at
 * `asOf` whether it was live. Never its data, not even sealed: an erased entity's history shows that it
 * existed and was erased, and nothing more.
 */
export class GetEntityHistoryQuery extends Query<HistoryPage> {
  constructor(
    readonly operatorId: string,
    readonly externalId: string,
    readonly window: HistoryWindow,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
