import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Collections, EntityEventView } from '@onehazel/projections';
import { call, igamingOperator, operatorWithKey, startTestApp, TestApp } from './harness';

const PLAYER = {
  entityType: 'player',
  externalId: 'player_act',
  data: { first_name: 'Wenceslas', last_name: 'Oddfellow', email: 'w.oddfellow@example.net', country: 'GB', currency: 'GBP' },
};

describe('activity events and entity states (seed 001)', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ key } = await igamingOperator(t));
    await call(t.url, 'POST', '/operator-data-api/entities', { key, body: PLAYER });
  });
  afterAll(async () => t.close());

  const record = (body: Record<string, unknown>) => call(t.url, 'POST', '/operator-data-api/events', { key, body });

  it('records events, lists them oldest first with personal fields encrypted, and derives counts, sums, first and last seen', async () => {
    const first = await record({ externalId: 'player_act', eventType: 'deposit', occurredAt: '2026-04-06T10:00:00Z', data: { amount: 50, ip_address: '198.51.100.23' } });
    expect(first.status).toBe(201);
    expect(first.body.data).toEqual({ id: expect.stringMatching(/^evt_[0-9a-f]{16}$/), externalId: 'player_act', eventType: 'deposit', occurredAt: '2026-04-06T10:00:00.000Z' });
    await record({ externalId: 'player_act', eventType: 'deposit', occurredAt: '2026-04-07T10:00:00Z', data: { amount: 25.5 } });
    await record({ externalId: 'player_act', eventType: 'bet', occurredAt: '2026-04-05T09:00:00Z', data: { stake: 2, game: 'starburst' } });

    const events = await call(t.url, 'GET', '/operator-data-api/entities/player_act/events?limit=2', { key });
    expect(events.status).toBe(200);
    expect(events.body.data.map((e: { event_type: string }) => e.event_type)).toEqual(['deposit', 'deposit']);
    expect(events.body.data[0].data).toEqual({ amount: 50, ip_address: expect.stringMatching(/^oh1\./) });
    const rest = await call(t.url, 'GET', `/operator-data-api/entities/player_act/events?cursor=${events.body.pagination.nextCursor}`, { key });
    expect(rest.body.data.map((e: { event_type: string }) => e.event_type)).toEqual(['bet']);

    const state = await call(t.url, 'GET', '/operator-data-api/entities/player_act/state', { key });
    expect(state.body.data).toEqual({
      external_id: 'player_act',
      event_count: 3,
      by_type: { deposit: { count: 2, sums: { amount: 75.5 } }, bet: { count: 1, sums: { stake: 2 } } },
      first_seen: '2026-04-05T09:00:00.000Z',
      last_seen: '2026-04-07T10:00:00.000Z',
    });
    expect(filesHolding('198.51.100.23')).toEqual([]);
  });

  const filesHolding = (needle: string) => readdirSync(t.dataDir).filter((file) => readFileSync(join(t.dataDir, file)).includes(needle));

  it('answers bad requests with the seed’s codes', async () => {
    const missing = await record({ eventType: 'deposit' });
    expect([missing.status, missing.body.error.code, missing.body.error.details[0].field]).toEqual([400, 'MISSING_FIELDS', 'externalId']);
    const unknown = await record({ externalId: 'nobody', eventType: 'deposit' });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'ENTITY_NOT_FOUND']);
    const badTime = await record({ externalId: 'player_act', eventType: 'deposit', occurredAt: 'yesterday' });
    expect([badTime.status, badTime.body.error.details[0].field]).toEqual([400, 'occurredAt']);
    const badType = await record({ externalId: 'player_act', eventType: 'Deposit Made' });
    expect([badType.status, badType.body.error.details[0].field]).toEqual([400, 'eventType']);
    for (const path of ['/operator-data-api/entities/nobody/events', '/operator-data-api/entities/nobody/state']) {
      expect((await call(t.url, 'GET', path, { key })).status).toBe(404);
    }
    const other = await operatorWithKey(t);
    await call(t.url, 'PUT', '/operator-data-api/settings', { key: other.key, body: { template: 'igaming' } });
    expect((await call(t.url, 'GET', '/operator-data-api/entities/player_act/events', { key: other.key })).status).toBe(404);
    expect((await call(t.url, 'POST', '/operator-data-api/events', { key: other.key, body: { externalId: 'player_act', eventType: 'x' } })).status).toBe(404);
  });

  it('lists in the order events were recorded, whatever their time, type or id would sort them by, across pages', async () => {
    await call(t.url, 'POST', '/operator-data-api/entities', { key, body: { ...PLAYER, externalId: 'player_order' } });
    // Recorded 0..9, with times and types running backwards and random ids: only the recording order is 0..9.
    const recorded: string[] = [];
    for (let i = 0; i < 10; i++) {
      const reply = await record({ externalId: 'player_order', eventType: `type_${9 - i}`, occurredAt: `2026-04-${String(20 - i).padStart(2, '0')}T10:00:00Z`, data: { n: i } });
      recorded.push(reply.body.data.id);
    }
    const listed: { id: string; data: { n: number } }[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(t.url, 'GET', `/operator-data-api/entities/player_order/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { key });
      listed.push(...page.body.data);
      cursor = page.body.pagination.nextCursor;
    } while (cursor);
    expect(listed.map((e) => e.data.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(listed.map((e) => e.id)).toEqual(recorded);
  });

  it('on erasure removes the state and strips the events’ payloads, and a rebuild ends the same', async () => {
    const created = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: { ...PLAYER, externalId: 'player_gone' } });
    const entityId = created.body.data.id;
    await record({ externalId: 'player_gone', eventType: 'deposit', data: { amount: 10, ip_address: '203.0.113.99' } });
    await call(t.url, 'DELETE', '/operator-data-api/entities/player_gone', { key });
    const check = async () => {
      const events = (await t.app.runtime.stores.read.find(Collections.entityEvents, { where: { entityId }, orderBy: 'recordedPosition', limit: 10 })) as EntityEventView[];
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ data: {}, piiFields: [], redacted: true });
      expect(await t.app.runtime.stores.read.get(Collections.entityStates, entityId)).toBeNull();
      expect((await call(t.url, 'GET', '/operator-data-api/entities/player_gone/events', { key })).status).toBe(404);
    };
    await check();
    await t.app.runtime.projector.rebuild();
    await check();
    expect((await record({ externalId: 'player_gone', eventType: 'deposit' })).status).toBe(404);
  });
});
