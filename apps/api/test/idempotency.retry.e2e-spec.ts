import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RequestStore } from '@onehazel/request-store';
import { call, igamingOperator, startTestApp, TestApp } from './harness';

const player = (externalId: string, firstName: string) => ({
  entityType: 'player',
  externalId,
  data: { first_name: firstName, last_name: 'Retry', email: 'retry@example.net', country: 'GB', currency: 'GBP' },
});

/**
 * A retry of a request that got through, whose answer was lost (the first attempt's events are in the log,
 * its answer was never stored: as after a crash between the append and the answer), after the entity it
 * was about was erased, or erased and created again by another request. The retry answers what the first
 * attempt did, and does nothing else.
 */
describe('Idempotency-Key: a retry after the entity changed under it', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  /** The next request's answer is lost after its command went through: 500, and its claim is released. */
  function loseNextAnswer(): void {
    const store: RequestStore = t.app.runtime.stores.requests;
    const complete = store.complete.bind(store);
    store.complete = async () => {
      store.complete = complete;
      throw new Error('the answer was lost');
    };
  }

  const upsert = (key: string, externalId: string, firstName: string, idempotencyKey?: string) =>
    call(t.url, 'POST', '/operator-data-api/entities', {
      key,
      body: player(externalId, firstName),
      headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
    });

  it('answers the entity the upsert created, not the one created since, and creates no key', async () => {
    const { key, operatorId } = await igamingOperator(t);
    loseNextAnswer();
    expect((await upsert(key, 'retry_1', 'First', 'upsert-retry-1')).status).toBe(500);
    const createdThen = (await call(t.url, 'GET', '/operator-data-api/entities/retry_1', { key })).body.data.id as string;
    expect((await call(t.url, 'DELETE', '/operator-data-api/entities/retry_1', { key })).status).toBe(200);
    const createdSince = (await upsert(key, 'retry_1', 'Other')).body.data.id as string;

    const retry = await upsert(key, 'retry_1', 'First', 'upsert-retry-1');
    expect([retry.status, retry.body.data]).toEqual([201, { id: createdThen, externalId: 'retry_1', entityType: 'player', action: 'created' }]);
    expect(createdSince).not.toBe(createdThen);
    // The erased entity's key stays destroyed, and the live one is untouched.
    expect(await t.app.runtime.stores.keys.get(operatorId, createdThen)).toBeNull();
    expect((await call(t.url, 'GET', '/operator-data-api/entities/retry_1', { key })).body.data.data.first_name).toBe('Other');
  });

  it('answers an update of an erased entity as that update, and brings no key back', async () => {
    const { key, operatorId } = await igamingOperator(t);
    const id = (await upsert(key, 'retry_2', 'First')).body.data.id as string;
    loseNextAnswer();
    expect((await upsert(key, 'retry_2', 'Second', 'upsert-retry-2')).status).toBe(500);
    expect((await call(t.url, 'DELETE', '/operator-data-api/entities/retry_2', { key })).status).toBe(200);

    const retry = await upsert(key, 'retry_2', 'Second', 'upsert-retry-2');
    expect([retry.status, retry.body.data]).toEqual([200, { id, externalId: 'retry_2', entityType: 'player', action: 'updated' }]);
    expect(await t.app.runtime.stores.keys.get(operatorId, id)).toBeNull();
    expect((await call(t.url, 'GET', '/operator-data-api/entities/retry_2', { key })).status).toBe(404);
  });

  it('records an activity event once, even after its entity was erased and created again', async () => {
    const { key, operatorId } = await igamingOperator(t);
    await upsert(key, 'retry_3', 'First');
    const body = { externalId: 'retry_3', eventType: 'deposit', data: { amount: 5 } };
    const headers = { 'idempotency-key': 'event-retry-1' };
    loseNextAnswer();
    expect((await call(t.url, 'POST', '/operator-data-api/events', { key, body, headers })).status).toBe(500);
    await call(t.url, 'DELETE', '/operator-data-api/entities/retry_3', { key });
    await upsert(key, 'retry_3', 'Again');

    const retry = await call(t.url, 'POST', '/operator-data-api/events', { key, body, headers });
    const log = new Database(join(t.dataDir, 'events.db'), { readonly: true });
    try {
      const recorded = log
        .prepare<[string], { eventId: string }>(
          `SELECT json_extract(data, '$.eventId') AS eventId FROM events WHERE type = 'EntityEventRecorded' AND json_extract(data, '$.operatorId') = ?`,
        )
        .all(operatorId);
      expect(recorded).toHaveLength(1);
      expect([retry.status, retry.body.data.id]).toEqual([201, recorded[0]!.eventId]);
    } finally {
      log.close();
    }
  });
});
