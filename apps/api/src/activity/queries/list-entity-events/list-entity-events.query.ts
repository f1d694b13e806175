import { Query } from '@nestjs/cqrs';
import type { EntityEventView } from '@onehazel/projections';
import type { KeysetPage } from '@onehazel/read-store';

/** A live entity's activity events in the order they were recorded; personal fields stay envelopes. */
export class ListEntityEventsQuery extends Query<KeysetPage<EntityEventView>> {
  constructor(
    readonly operatorId: string,
    readonly externalId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
