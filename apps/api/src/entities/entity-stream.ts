import { createHash } from 'node:crypto';
import { ConsistentCommands, Loaded } from '@onehazel/commands';
import { Entity, entityDecider, entityStream } from '@onehazel/domain';
import { PersonalDataCipher } from '../personal-data/personal-data.cipher';

/** The stream of an entity, and its state as just read. */
export type LocatedEntity = Readonly<{ stream: string; loaded: Loaded<Entity> }>;

/** The stream of (operator, externalId), named by the externalId's keyed hash. */
const keyedStream = (externalIdHash: string): string => entityStream(externalIdHash.slice(0, 32));

/**
 * The stream of entities recorded before the keyed hash (schemaVersion 1): an unkeyed SHA-256 of
 * (operator, externalId). Still read, so that those entities are found, updated and erased.
 */
const legacyStream = (operatorId: string, externalId: string): string =>
  entityStream(createHash('sha256').update(`${operatorId}\n${externalId}`, 'utf8').digest('hex').slice(0, 32));

/**
 * The stream that holds (or will hold) the entity of this externalId: the keyed one, unless only the
 * legacy one has events. One stream read for an entity recorded by hash; a second only when the keyed
 * stream is empty (a new externalId, or an entity of schemaVersion 1). `create: false` (reads, erasure)
 * creates no lookup key for an operator that has none.
 */
export async function locateEntity(
  commands: ConsistentCommands,
  personalData: PersonalDataCipher,
  operatorId: string,
  externalId: string,
  options: { create: boolean },
): Promise<LocatedEntity> {
  const hash = await personalData.externalIdHash(operatorId, externalId, options);
  const keyed = hash === null ? null : { stream: keyedStream(hash), loaded: await commands.read(entityDecider, keyedStream(hash)) };
  if (keyed && keyed.loaded.recorded.length > 0) return keyed;
  const legacy = { stream: legacyStream(operatorId, externalId), loaded: await commands.read(entityDecider, legacyStream(operatorId, externalId)) };
  return legacy.loaded.recorded.length > 0 || !keyed ? legacy : keyed;
}
