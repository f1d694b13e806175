import { Query } from '@nestjs/cqrs';
import type { EntityView } from '@onehazel/projections';
import type { KeysetPage } from '@onehazel/read-store';

/**
 * The operator's live entities in creation order, personal fields left as envelopes (seed 001: bulk reads
 * stay encrypted), the externalId opened (null for one being erased).
 */
export class ListEntitiesQuery extends Query<KeysetPage<EntityView>> {
  constructor(
    readonly operatorId: string,
    readonly entityType: string | undefined,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
