import { createHash, randomUUID } from 'node:crypto';
import { seal } from '@onehazel/crypto';
import { Collections, EntityView } from '@onehazel/projections';
import { call, igamingOperator, startTestApp, TestApp } from './harness';

/**
 * A data directory written before externalIds were hashed (schemaVersion 1): the entity's stream is
 * named by an unkeyed SHA-256 and its events hold the externalId in clear. Such an entity is still found,
 * read, listed, updated, given activity, erased and created again.
 */
describe('Entities recorded with the externalId in clear (schemaVersion 1)', () => {
  let t: TestApp;
  let key: string;
  let operatorId: string;
  const externalId = 'legacy_player';
  const entityId = 'ent_0123456789abcdef';
  const stream = () => `entity-${createHash('sha256').update(`${operatorId}\n${externalId}`, 'utf8').digest('hex').slice(0, 32)}`;
  const metadata = { schemaVersion: 1, actor: { kind: 'key', id: 'old' }, requestId: 'old', correlationId: 'old', causationId: 'old', at: '2026-01-01T00:00:00.000Z' };

  beforeAll(async () => {
    t = await startTestApp();
    ({ key, operatorId } = await igamingOperator(t));
    const dataKey = (await t.app.runtime.keyring.forEntity(operatorId, entityId, { create: true }))!;
    const sealedField = (field: string, value: string) => seal(dataKey, { operatorId, entityId, field }, value);
    const data = { first_name: sealedField('first_name', 'Leticia'), last_name: sealedField('last_name', 'Legacy'), email: sealedField('email', 'l@example.com'), country: 'GB', currency: 'GBP' };
    const created = { entityId, operatorId, externalId, entityType: 'player', data, piiFields: ['first_name', 'last_name', 'email'], keyId: dataKey.keyId, createdAt: '2026-01-01T00:00:00.000Z' };
    await t.app.runtime.stores.events.append(stream(), [{ id: randomUUID(), type: 'EntityCreated', data: created, metadata }], 'no_stream');
    const activity = { eventId: 'evt_0123456789abcdef', entityId, operatorId, externalId, eventType: 'deposit', occurredAt: '2026-01-01T00:00:00.000Z', data: { amount: 7 }, piiFields: [], recordedAt: '2026-01-01T00:00:00.000Z' };
    await t.app.runtime.stores.events.append(`entity-activity-${entityId}`, [{ id: randomUUID(), type: 'EntityEventRecorded', data: activity, metadata }], 'any');
    await t.app.runtime.projector.catchUp();
  });
  afterAll(async () => t.close());

  it('is read, listed, updated in its own stream, given activity, erased, and created again there', async () => {
    const read = await call(t.url, 'GET', `/operator-data-api/entities/${externalId}`, { key });
    expect([read.status, read.body.data.id, read.body.data.external_id, read.body.data.data.first_name]).toEqual([200, entityId, externalId, 'Leticia']);
    const listed = await call(t.url, 'GET', '/operator-data-api/entities', { key });
    expect(listed.body.data.map((e: { id: string; external_id: string }) => [e.id, e.external_id])).toEqual([[entityId, externalId]]);

    const body = { entityType: 'player', externalId, data: { first_name: 'Leticia', last_name: 'Later', email: 'l@example.com', country: 'FR', currency: 'EUR' } };
    const updated = await call(t.url, 'POST', '/operator-data-api/entities', { key, body });
    expect([updated.status, updated.body.data]).toEqual([200, { id: entityId, externalId, entityType: 'player', action: 'updated' }]);
    expect((await t.app.runtime.stores.events.readStream(stream())).map((e) => e.type)).toEqual(['EntityCreated', 'EntityUpdated']);

    const event = await call(t.url, 'POST', '/operator-data-api/events', { key, body: { externalId, eventType: 'deposit', data: { amount: 3 } } });
    expect(event.status).toBe(201);
    const state = await call(t.url, 'GET', `/operator-data-api/entities/${externalId}/state`, { key });
    expect(state.body.data).toMatchObject({ event_count: 2, by_type: { deposit: { count: 2, sums: { amount: 10 } } } });

    expect((await call(t.url, 'DELETE', `/operator-data-api/entities/${externalId}`, { key })).status).toBe(200);
    expect((await call(t.url, 'GET', `/operator-data-api/entities/${externalId}`, { key })).status).toBe(404);
    const marker = (await t.app.runtime.stores.read.get(Collections.entities, entityId)) as EntityView;
    expect(marker).toMatchObject({ erased: true, externalId: null, sealedExternalId: null, externalIdHash: null });

    const again = await call(t.url, 'POST', '/operator-data-api/entities', { key, body });
    expect([again.status, again.body.data.action]).toEqual([201, 'created']);
    expect(again.body.data.id).not.toBe(entityId);
    expect((await t.app.runtime.stores.events.readStream(stream())).map((e) => e.type)).toEqual(['EntityCreated', 'EntityUpdated', 'EntityErased', 'EntityCreated']);
    const [, , erased, recreated] = await t.app.runtime.stores.events.readStream(stream());
    expect(JSON.stringify([erased!.data, recreated!.data])).not.toContain(externalId);
    expect((await call(t.url, 'GET', `/operator-data-api/entities/${externalId}`, { key })).body.data.id).toBe(again.body.data.id);
  });
});
