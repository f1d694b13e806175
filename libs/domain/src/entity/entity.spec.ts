import { given } from '../shared/given-when-then.spec-helper';
import { EntityCreated, entityDecider, EntityErased, EntityEventRecorded, recordEntityEvent, RecordEntityEvent, UpsertEntity } from './entity';

const at = '2026-04-06T12:00:00.000Z';
const upsert = (entityId: string): UpsertEntity => ({
  type: 'UpsertEntity',
  entityId,
  operatorId: 'op_1',
  externalId: 'player_12345',
  externalIdRef: { externalIdHash: '9f86d081884c7d65', sealedExternalId: 'oh1.sealed-id' },
  entityType: 'player',
  data: { email: 'oh1.sealed', country: 'GB' },
  piiFields: ['email'],
  keyId: 'key-1',
  at,
});
const created: EntityCreated = {
  type: 'EntityCreated',
  data: {
    entityId: 'ent_1',
    operatorId: 'op_1',
    externalIdHash: '9f86d081884c7d65',
    sealedExternalId: 'oh1.sealed-id',
    entityType: 'player',
    data: { email: 'oh1.sealed', country: 'GB' },
    piiFields: ['email'],
    keyId: 'key-1',
    createdAt: at,
  },
};
const erased: EntityErased = { type: 'EntityErased', data: { entityId: 'ent_1', operatorId: 'op_1', erasedAt: at } };
/** What schemaVersion 1 recorded: the externalId in clear. */
const legacyCreated: EntityCreated = {
  type: 'EntityCreated',
  data: { entityId: 'ent_0', operatorId: 'op_1', externalId: 'player_12345', entityType: 'player', data: {}, piiFields: [], keyId: 'key-0', createdAt: at },
};
const legacyErased: EntityErased = { type: 'EntityErased', data: { entityId: 'ent_0', operatorId: 'op_1', externalId: 'player_12345', erasedAt: at } };

describe('entity decider', () => {
  it('creates an entity for an externalId seen for the first time', () => {
    given(entityDecider, []).when(upsert('ent_1')).then([created]);
  });

  it('updates the live entity', () => {
    given(entityDecider, [created])
      .when(upsert('ent_1'))
      .then([{ type: 'EntityUpdated', data: { entityId: 'ent_1', operatorId: 'op_1', entityType: 'player', data: { email: 'oh1.sealed', country: 'GB' }, piiFields: ['email'], keyId: 'key-1', updatedAt: at } }]);
  });

  it('refuses data sealed for another entity id than the live one (a concurrent create): retry', () => {
    given(entityDecider, [created]).when(upsert('ent_2')).thenFails('CONFLICT');
  });

  it('erases the live entity, with no personal data in the event, not even the externalId', () => {
    given(entityDecider, [created]).when({ type: 'EraseEntity', operatorId: 'op_1', entityId: 'ent_1', at }).then([erased]);
  });

  it('records the externalId only as its keyed hash and its envelope, never in clear', () => {
    const [event] = entityDecider.decide(upsert('ent_1'), entityDecider.initialState());
    expect(JSON.stringify(event)).not.toContain('player_12345');
  });

  it('reads the events of schemaVersion 1 (externalId in clear): a legacy entity is updated, erased, and created again', () => {
    given(entityDecider, [legacyCreated])
      .when(upsert('ent_0'))
      .then([{ type: 'EntityUpdated', data: { entityId: 'ent_0', operatorId: 'op_1', entityType: 'player', data: { email: 'oh1.sealed', country: 'GB' }, piiFields: ['email'], keyId: 'key-1', updatedAt: at } }]);
    given(entityDecider, [legacyCreated]).when({ type: 'EraseEntity', operatorId: 'op_1', entityId: 'ent_0', at }).then([{ ...erased, data: { ...erased.data, entityId: 'ent_0' } }]);
    given(entityDecider, [legacyCreated, legacyErased]).when(upsert('ent_1')).then([created]);
  });

  it('answers not found when erasing what is not live', () => {
    given(entityDecider, []).when({ type: 'EraseEntity', operatorId: 'op_1', entityId: 'ent_1', at }).thenFails('ENTITY_NOT_FOUND');
    given(entityDecider, [created, erased]).when({ type: 'EraseEntity', operatorId: 'op_1', entityId: 'ent_1', at }).thenFails('ENTITY_NOT_FOUND');
  });

  it('starts a new generation, with a new id, after an erasure', () => {
    const next = upsert('ent_2');
    given(entityDecider, [created, erased])
      .when(next)
      .then([{ type: 'EntityCreated', data: { ...created.data, entityId: 'ent_2', createdAt: at } }]);
    given(entityDecider, [created, erased]).when(upsert('ent_1')).thenFails('CONFLICT');
  });

  it.each(['', '.', '..', 'a/b', 'p\u0000', 'p\u0085', 'p\ud800', '\udc00', 'x'.repeat(256)])(
    'refuses the externalId %p: nothing is recorded',
    (externalId) => {
      given(entityDecider, []).when({ ...upsert('ent_1'), externalId }).thenFails('VALIDATION_FAILED');
    },
  );

  it('takes the names Object.prototype has as data fields like any other, and refuses __proto__ and the empty name', () => {
    const data = Object.fromEntries(['constructor', 'toString', 'prototype', 'hasOwnProperty'].map((name) => [name, 'x']));
    given(entityDecider, [])
      .when({ ...upsert('ent_1'), data })
      .then([{ ...created, data: { ...created.data, data } }]);
    given(entityDecider, []).when({ ...upsert('ent_1'), data: JSON.parse('{"__proto__": "x"}') }).thenFails('VALIDATION_FAILED');
    given(entityDecider, []).when({ ...upsert('ent_1'), data: { '': 'x' } }).thenFails('VALIDATION_FAILED');
  });
});

describe('recording an entity event', () => {
  const live = entityDecider.evolve(entityDecider.initialState(), created);
  const record = (overrides: Partial<RecordEntityEvent> = {}): RecordEntityEvent => ({
    type: 'RecordEntityEvent',
    eventId: 'evt_1',
    entityId: 'ent_1',
    operatorId: 'op_1',
    eventType: 'deposit',
    occurredAt: at,
    data: { amount: 50 },
    piiFields: [],
    at,
    ...overrides,
  });

  it('records an event of a live entity, whatever Object.prototype names its type and fields use', () => {
    const data = { constructor: 1, valueOf: 2 };
    const expected: EntityEventRecorded = {
      type: 'EntityEventRecorded',
      data: { eventId: 'evt_1', entityId: 'ent_1', operatorId: 'op_1', eventType: 'constructor', occurredAt: at, data, piiFields: [], recordedAt: at },
    };
    expect(recordEntityEvent(record({ eventType: 'constructor', data }), live)).toEqual([expected]);
  });

  it.each([
    ['an event type that is not lower-case', { eventType: 'toString' }],
    ['an event type of __proto__', { eventType: '__proto__' }],
    ['an empty field name', { data: { '': 1 } }],
    ['a field named __proto__', { data: JSON.parse('{"__proto__": 1}') }],
  ])('refuses %s', (_, overrides) => {
    expect(() => recordEntityEvent(record(overrides), live)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
