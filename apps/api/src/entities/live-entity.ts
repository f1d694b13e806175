import { DomainError } from '@onehazel/domain';
import { Collections, EntityView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import type { PersonalDataCipher } from '../personal-data/personal-data.cipher';

/**
 * The operator's live entity of this externalId, else ENTITY_NOT_FOUND: one indexed point read by the
 * externalId's keyed hash; on a miss, one by the externalId itself, which only entities recorded before
 * the hash (schemaVersion 1) hold in clear. The view names the externalId as asked.
 */
export async function findLiveEntity(read: ReadStore, personalData: PersonalDataCipher, operatorId: string, externalId: string): Promise<EntityView> {
  const hash = await personalData.externalIdHash(operatorId, externalId, { create: false });
  const byHash = hash === null ? [] : await read.find(Collections.entities, { where: { operatorId, externalIdHash: hash, erased: false }, limit: 1 });
  const [entity] = (byHash.length > 0 ? byHash : await read.find(Collections.entities, { where: { operatorId, externalId, erased: false }, limit: 1 })) as EntityView[];
  if (!entity) throw new DomainError('ENTITY_NOT_FOUND', 'Entity not found');
  return { ...entity, externalId };
}
