import { given } from '../shared/given-when-then.spec-helper';
import { EntityCreated, entityDecider, EntityErased, UpsertEntity } from './entity';

const at = '2026-04-06T12:00:00.000Z';
const upsert = (entityId: string): UpsertEntity => ({
  type: 'UpsertEntity',
  entityId,
  operatorId: 'op_1',
  externalId: 'player_12345',
  entityType: 'player',
  data: { email: 'oh1.sealed', country: 'GB' },
  piiFields: ['email'],
  keyId: 'key-1',
  at,
});
const created: EntityCreated = {
  type: 'EntityCreated',
  data: { entityId: 'ent_1', operatorId: 'op_1', externalId: 'player_12345', entityType: 'player', data: { email: 'oh1.sealed', country: 'GB' }, piiFields: ['email'], keyId: 'key-1', createdAt: at },
};
const erased: EntityErased = { type: 'EntityErased', data: { entityId: 'ent_1', operatorId: 'op_1', externalId: 'player_12345', erasedAt: at } };

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

  it('erases the live entity, with no personal data in the event', () => {
    given(entityDecider, [created]).when({ type: 'EraseEntity', operatorId: 'op_1', entityId: 'ent_1', at }).then([erased]);
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
});
