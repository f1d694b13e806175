import { IGAMING_TEMPLATE } from '@onehazel/domain';
import { barrierOnReads, call, operatorWithKey, startTestApp, TestApp } from './harness';

/** Seed 001's own example, verbatim. */
const JAMES = {
  entityType: 'player',
  externalId: 'player_12345',
  data: {
    first_name: 'James',
    last_name: 'Wilson',
    email: 'james.wilson@example.com',
    country: 'GB',
    currency: 'GBP',
    date_of_birth: '1992-03-15',
    registration_date: '2026-04-06T10:30:00Z',
    status: 'active',
    vip_level: 'bronze',
  },
};
const PII = ['first_name', 'last_name', 'email', 'date_of_birth'] as const;

describe('Operator data API (seed 001), happy paths', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ key } = await operatorWithKey(t));
    const configured = await call(t.url, 'PUT', '/operator-data-api/settings', { key, body: { template: 'igaming' } });
    expect(configured.status).toBe(200);
  });
  afterAll(async () => t.close());

  it('shows the configured template', async () => {
    const settings = await call(t.url, 'GET', '/operator-data-api/settings', { key });
    expect(settings.status).toBe(200);
    expect(settings.body.data.template.name).toBe('igaming');
    expect(settings.body.data.template.entity_types.player.pii_fields).toEqual(['first_name', 'last_name', 'email', 'phone', 'date_of_birth']);
  });

  it('creates the seed’s player (201, action created), reads it back decrypted, updates it (200, action updated)', async () => {
    const created = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: JAMES, headers: { 'idempotency-key': 'create-player-12345' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      success: true,
      data: { id: expect.stringMatching(/^ent_[0-9a-f]{16}$/), externalId: 'player_12345', entityType: 'player', action: 'created' },
    });
    const read = await call(t.url, 'GET', '/operator-data-api/entities/player_12345', { key });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      success: true,
      data: {
        id: created.body.data.id,
        external_id: 'player_12345',
        entity_type: 'player',
        data: JAMES.data,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    });
    const updated = await call(t.url, 'POST', '/operator-data-api/entities', {
      key,
      body: { ...JAMES, data: { ...JAMES.data, vip_level: 'silver' } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toEqual({ ...created.body.data, action: 'updated' });
    expect((await call(t.url, 'GET', '/operator-data-api/entities/player_12345', { key })).body.data.data.vip_level).toBe('silver');
  });

  it('keeps personal fields as envelopes in bulk reads, filtered by entityType and paginated', async () => {
    await call(t.url, 'POST', '/operator-data-api/entities', { key, body: { ...JAMES, externalId: 'player_2' } });
    await call(t.url, 'POST', '/operator-data-api/entities', {
      key,
      body: { entityType: 'game', externalId: 'game_1', data: { name: 'Starburst', provider: 'NetEnt', rtp: 96.1 } },
    });
    const players = await call(t.url, 'GET', '/operator-data-api/entities?entityType=player&limit=1', { key });
    expect(players.status).toBe(200);
    expect(players.body.data).toHaveLength(1);
    const player = players.body.data[0];
    for (const field of PII) expect(player.data[field]).toMatch(/^oh1\./);
    expect(player.data).toMatchObject({ country: 'GB', currency: 'GBP', vip_level: expect.any(String) });
    expect(JSON.stringify(players.body)).not.toMatch(/James|Wilson|james\.wilson/);
    const next = await call(t.url, 'GET', `/operator-data-api/entities?entityType=player&cursor=${players.body.pagination.nextCursor}`, { key });
    expect(next.body.data.map((e: { external_id: string }) => e.external_id)).toEqual(['player_2']);
    const games = await call(t.url, 'GET', '/operator-data-api/entities?entityType=game', { key });
    expect(games.body.data).toEqual([expect.objectContaining({ external_id: 'game_1', data: { name: 'Starburst', provider: 'NetEnt', rtp: 96.1 } })]);
  });

  it('refuses fields the template does not declare, naming them; with allow_extra_fields, seals them (they may be personal) and decrypts them on GET', async () => {
    const body = { ...JAMES, externalId: 'player_extra', data: { ...JAMES.data, mobile: '+44 7700 900123' } };
    const refused = await call(t.url, 'POST', '/operator-data-api/entities', { key, body });
    expect([refused.status, refused.body.error.code, refused.body.error.details]).toEqual([
      400,
      'VALIDATION_FAILED',
      [{ field: 'data.mobile', problems: [expect.stringContaining('allow_extra_fields')] }],
    ]);
    expect((await call(t.url, 'GET', '/operator-data-api/entities/player_extra', { key })).status).toBe(404);

    const open = await operatorWithKey(t);
    const player = { ...IGAMING_TEMPLATE.entity_types.player!, allow_extra_fields: true };
    const template = { ...IGAMING_TEMPLATE, name: 'igaming_open', entity_types: { ...IGAMING_TEMPLATE.entity_types, player } };
    expect((await call(t.url, 'PUT', '/operator-data-api/settings', { key: open.key, body: { template } })).status).toBe(200);
    expect((await call(t.url, 'POST', '/operator-data-api/entities', { key: open.key, body })).status).toBe(201);
    const listed = await call(t.url, 'GET', '/operator-data-api/entities?limit=100', { key: open.key });
    const stored = listed.body.data.find((e: { external_id: string }) => e.external_id === 'player_extra');
    expect(stored.data.mobile).toMatch(/^oh1\./);
    expect(stored.data.country).toBe('GB');
    expect((await call(t.url, 'GET', '/operator-data-api/entities/player_extra', { key: open.key })).body.data.data.mobile).toBe('+44 7700 900123');
  });

  it('makes exactly one entity of concurrent upserts of a new externalId: one created, the others updated', async () => {
    // All five read the stream (no entity yet) before any of them appends.
    const barrier = barrierOnReads(t.app.runtime.stores.events, 5, (stream) => stream.startsWith('entity-') && !stream.startsWith('entity-activity-'));
    const replies = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        call(t.url, 'POST', '/operator-data-api/entities', { key, body: { ...JAMES, externalId: 'player_race', data: { ...JAMES.data, vip_level: `v${i}` } } }),
      ),
    ).finally(() => barrier.restore());
    expect(replies.map((r) => r.body.data.action).sort()).toEqual(['created', 'updated', 'updated', 'updated', 'updated']);
    expect(new Set(replies.map((r) => r.body.data.id)).size).toBe(1);
    const read = await call(t.url, 'GET', '/operator-data-api/entities/player_race', { key });
    expect(read.body.data.data.first_name).toBe('James');
  });

  it('erases an entity (GDPR): the seed’s answer, then 404, and a new upsert starts a new entity', async () => {
    const created = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: { ...JAMES, externalId: 'player_erase' } });
    const erased = await call(t.url, 'DELETE', '/operator-data-api/entities/player_erase', { key });
    expect([erased.status, erased.body]).toEqual([200, { success: true, message: 'Entity deleted and data anonymized' }]);
    const gone = await call(t.url, 'GET', '/operator-data-api/entities/player_erase', { key });
    expect([gone.status, gone.body.error.code]).toEqual([404, 'ENTITY_NOT_FOUND']);
    const listed = await call(t.url, 'GET', '/operator-data-api/entities?limit=100', { key });
    expect(listed.body.data.map((e: { external_id: string }) => e.external_id)).not.toContain('player_erase');
    const again = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: { ...JAMES, externalId: 'player_erase' } });
    expect(again.status).toBe(201);
    expect(again.body.data.action).toBe('created');
    expect(again.body.data.id).not.toBe(created.body.data.id);
    expect((await call(t.url, 'GET', '/operator-data-api/entities/player_erase', { key })).body.data.data).toEqual(JAMES.data);
  });
});
