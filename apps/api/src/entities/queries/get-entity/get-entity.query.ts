import { Query } from '@nestjs/cqrs';
import type { EntityView } from '@onehazel/projections';

/** One live entity by externalId, personal fields decrypted. */
export class GetEntityQuery extends Query<EntityView> {
  constructor(
    readonly operatorId: string,
    readonly externalId: string,
  ) {
    super();
  }
}
