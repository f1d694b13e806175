import type { Decider, Event } from '../shared/event';
import { DomainError, assertNever } from '../shared/errors';
import { dataKeyProblems, EVENT_TYPE, EVENT_TYPE_RULE, externalIdProblem, NameProblem } from '../shared/names';

/**
 * One stream per (operator, externalId), named by a keyed hash of the two (never raw input): every
 * generation of that entity lives in it, so one revision guards "one live entity per externalId".
 * After an erasure, the next upsert starts a new generation: a new entity id and a new data key.
 */
export const entityStream = (streamKey: string): string => `entity-${streamKey}`;

/** Entity data as stored: personal fields are AES-256-GCM envelopes (strings), the rest plain JSON. */
export type StoredEntityData = Readonly<Record<string, unknown>>;

/**
 * How an entity event names its externalId, which is personal data (a casino's player id identifies the
 * player): by a keyed hash, for lookups, and the value itself sealed under the entity's data key, so that
 * erasure leaves nothing that reads as the person. Events of schemaVersion 1 held it in clear
 * (`LegacyExternalId`): they are still read, and never written again.
 */
export type ExternalIdRef = Readonly<{
  /** HMAC-SHA256 of the externalId under the operator's lookup key, hex. */
  externalIdHash: string;
  /** The externalId as an AES-256-GCM envelope under the entity's data key. */
  sealedExternalId: string;
}>;
export type LegacyExternalId = Readonly<{ externalId: string }>;

export type EntityCreated = Event<
  'EntityCreated',
  Readonly<{
    entityId: string;
    operatorId: string;
    entityType: string;
    data: StoredEntityData;
    piiFields: readonly string[];
    keyId: string;
    createdAt: string;
  }> &
    (ExternalIdRef | LegacyExternalId)
>;
export type EntityUpdated = Event<
  'EntityUpdated',
  { entityId: string; operatorId: string; entityType: string; data: StoredEntityData; piiFields: readonly string[]; keyId: string; updatedAt: string }
>;
/** No personal data: the entity's key is destroyed before this is appended (schemaVersion 1 also held the externalId in clear). */
export type EntityErased = Event<'EntityErased', Readonly<{ entityId: string; operatorId: string; erasedAt: string }> & Partial<LegacyExternalId>>;
export type EntityEvent = EntityCreated | EntityUpdated | EntityErased;

export type UpsertEntity = Readonly<{
  type: 'UpsertEntity';
  /** The id the caller sealed the data for: the live entity's, or a new one when there is none. */
  entityId: string;
  operatorId: string;
  /** Checked here (an unsound one is refused), never recorded: events name it by `externalId`'s ref. */
  externalId: string;
  externalIdRef: ExternalIdRef;
  entityType: string;
  data: StoredEntityData;
  piiFields: readonly string[];
  keyId: string;
  at: string;
}>;
export type EraseEntity = Readonly<{ type: 'EraseEntity'; operatorId: string; entityId: string; at: string }>;
export type EntityCommand = UpsertEntity | EraseEntity;

export type Entity =
  | Readonly<{ status: 'none' }>
  | Readonly<{ status: 'live'; entityId: string }>
  | Readonly<{ status: 'erased'; entityId: string }>;

function decide(command: EntityCommand, state: Entity): EntityEvent[] {
  switch (command.type) {
    case 'UpsertEntity':
      return upsert(command, state);
    case 'EraseEntity':
      return erase(command, state);
    default:
      return assertNever(command, 'entity command');
  }
}

/** What no recorded event may hold, whatever the caller checked: an unsound externalId or data key. */
function refuseUnsoundNames(problems: NameProblem[]): void {
  if (problems.length > 0) throw new DomainError('VALIDATION_FAILED', 'The request is not valid', problems);
}

function externalIdProblems(externalId: string): NameProblem[] {
  const problem = externalIdProblem(externalId);
  return problem ? [{ field: 'externalId', problems: [problem] }] : [];
}

function upsert(command: UpsertEntity, state: Entity): EntityEvent[] {
  const { entityId, operatorId, externalId, externalIdRef, entityType, data, piiFields, keyId, at } = command;
  refuseUnsoundNames([...externalIdProblems(externalId), ...dataKeyProblems(data)]);
  if (state.status !== 'live') {
    if (state.status === 'erased' && state.entityId === entityId) {
      throw new DomainError('CONFLICT', 'The entity was erased while this request was decided; retry');
    }
    const { externalIdHash, sealedExternalId } = externalIdRef;
    return [{ type: 'EntityCreated', data: { entityId, operatorId, externalIdHash, sealedExternalId, entityType, data, piiFields, keyId, createdAt: at } }];
  }
  // Data sealed for another generation of the entity must never be recorded under this one.
  if (state.entityId !== entityId) throw new DomainError('CONFLICT', 'The entity changed while this request was decided; retry');
  return [{ type: 'EntityUpdated', data: { entityId, operatorId, entityType, data, piiFields, keyId, updatedAt: at } }];
}

function erase(command: EraseEntity, state: Entity): EntityEvent[] {
  if (state.status !== 'live' || state.entityId !== command.entityId) throw new DomainError('ENTITY_NOT_FOUND', 'Entity not found');
  return [{ type: 'EntityErased', data: { entityId: state.entityId, operatorId: command.operatorId, erasedAt: command.at } }];
}

function evolve(state: Entity, event: EntityEvent): Entity {
  switch (event.type) {
    case 'EntityCreated':
      return { status: 'live', entityId: event.data.entityId };
    case 'EntityUpdated':
      return state;
    case 'EntityErased':
      return { status: 'erased', entityId: event.data.entityId };
    default:
      return assertNever(event, 'entity event');
  }
}

export const entityDecider: Decider<EntityCommand, Entity, EntityEvent> = {
  decide,
  evolve,
  initialState: () => ({ status: 'none' }),
};

/** An entity's activity (deposits, bets, logins...): appended to its own stream, any order of writers. */
export const entityActivityStream = (entityId: string): string => `entity-activity-${entityId}`;

export type EntityEventRecorded = Event<
  'EntityEventRecorded',
  {
    eventId: string;
    entityId: string;
    operatorId: string;
    eventType: string;
    occurredAt: string;
    /** Personal fields (the template's event_pii_fields) as envelopes, the rest plain. */
    data: StoredEntityData;
    piiFields: readonly string[];
    recordedAt: string;
  } & Partial<LegacyExternalId>
>;

export type RecordEntityEvent = Readonly<{
  type: 'RecordEntityEvent';
  eventId: string;
  entityId: string;
  operatorId: string;
  eventType: string;
  occurredAt: string;
  data: StoredEntityData;
  piiFields: readonly string[];
  at: string;
}>;

/**
 * Activity is recorded only for a live entity (decided on the entity's state, appended to its activity
 * stream, where writers commute); the caller sealed the data for that entity.
 */
export function recordEntityEvent(command: RecordEntityEvent, entity: Entity): EntityEventRecorded[] {
  const eventTypeProblems = EVENT_TYPE.test(command.eventType) ? [] : [{ field: 'eventType', problems: [`eventType must be ${EVENT_TYPE_RULE}`] }];
  refuseUnsoundNames([...eventTypeProblems, ...dataKeyProblems(command.data)]);
  if (entity.status !== 'live' || entity.entityId !== command.entityId) throw new DomainError('ENTITY_NOT_FOUND', 'Entity not found');
  const { eventId, entityId, operatorId, eventType, occurredAt, data, piiFields, at } = command;
  return [{ type: 'EntityEventRecorded', data: { eventId, entityId, operatorId, eventType, occurredAt, data, piiFields, recordedAt: at } }];
}
