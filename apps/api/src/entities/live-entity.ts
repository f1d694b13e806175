import { DomainError } from '@onehazel/domain';
import { Collections, EntityView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';

/** The operator's live entity of this externalId (one indexed point read), else ENTITY_NOT_FOUND. */
export async function findLiveEntity(read: ReadStore, operatorId: string, externalId: string): Promise<EntityView> {
  const [entity] = (await read.find(Collections.entities, { where: { operatorId, externalId, erased: false }, limit: 1 })) as EntityView[];
  if (!entity) throw new DomainError('ENTITY_NOT_FOUND', 'Entity not found');
  return entity;
}
