import { request } from 'node:http';
import { IGAMING_TEMPLATE } from '@onehazel/domain';
import { call, igamingOperator, Reply, startTestApp, TestApp } from './harness';

const ENTITIES = '/operator-data-api/entities';
const PLAYER = { first_name: 'James', last_name: 'Wilson', email: 'james.wilson@example.com', country: 'GB', currency: 'GBP' };

/** A request with the path sent byte for byte (fetch and URL would resolve "%2E%2E" segments before sending). */
function rawRequest(method: string, base: string, path: string, key: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const req = request({ hostname, port, path, method, headers: { authorization: `Bearer ${key}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, headers: new Headers(), body: text ? JSON.parse(text) : null });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function expectRefused(reply: Reply, field: string): void {
  expect([reply.status, reply.body.success, reply.body.error.code]).toEqual([400, false, 'VALIDATION_FAILED']);
  expect(reply.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  expect(typeof reply.body.requestId).toBe('string');
}

describe('externalIds (1 to 255 UTF-16 code units; no control characters, unpaired surrogates or "/"; not "." or "..")', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ key } = await igamingOperator(t));
  });
  afterAll(async () => t.close());

  const upsert = (externalId: string) => call(t.url, 'POST', ENTITIES, { key, body: { entityType: 'player', externalId, data: PLAYER } });

  const refused: [string, string][] = [
    ['empty', ''],
    ['256 code units', 'a'.repeat(256)],
    ['a C0 control character', 'player\u0000'],
    ['DEL', 'player\u007f'],
    ['a C1 control character', 'player\u0085'],
    ['a lone high surrogate', 'player\ud800'],
    ['a lone low surrogate', '\udc00player'],
    ['"."', '.'],
    ['".."', '..'],
    ['a slash', 'players/1'],
  ];

  it.each(refused)('refuses %s in a body, naming externalId, and records nothing', async (_, externalId) => {
    expectRefused(await upsert(externalId), 'externalId');
    const event = await call(t.url, 'POST', '/operator-data-api/events', { key, body: { externalId, eventType: 'login' } });
    expectRefused(event, 'externalId');
    expect((await call(t.url, 'GET', ENTITIES, { key })).body.data.filter((e: { external_id: string }) => e.external_id === externalId)).toEqual([]);
  });

  it('refuses a lone surrogate sent as a JSON escape: it never becomes U+FFFD, so two ids cannot collide', async () => {
    const body = `{"entityType":"player","externalId":"p\\ud800","data":${JSON.stringify(PLAYER)}}`;
    expectRefused(await call(t.url, 'POST', ENTITIES, { key, rawBody: body }), 'externalId');
    expect((await upsert('p\ufffd')).status).toBe(201);
    const read = await call(t.url, 'GET', `${ENTITIES}/${encodeURIComponent('p\ufffd')}`, { key });
    expect(read.body.data.external_id).toBe('p\ufffd');
    expect((await upsert('p\ufffd')).body.data.action).toBe('updated');
  });

  it('accepts dots inside an id, and characters outside the BMP, and reads them back', async () => {
    for (const externalId of ['...', 'player.1', 'joueur_é', '🎰'.repeat(4)]) {
      expect([externalId, (await upsert(externalId)).status]).toEqual([externalId, 201]);
      const read = await call(t.url, 'GET', `${ENTITIES}/${encodeURIComponent(externalId)}`, { key });
      expect([read.status, read.body.data.external_id]).toEqual([200, externalId]);
    }
  });

  it('accepts the longest ids (255 code units) and lists them', async () => {
    const longest = ['a'.repeat(255), '🎰'.repeat(127) + 'a'];
    for (const externalId of longest) expect((await upsert(externalId)).status).toBe(201);
    const listed = await call(t.url, 'GET', `${ENTITIES}?limit=100`, { key });
    const ids = listed.body.data.map((e: { external_id: string }) => e.external_id);
    expect(ids).toEqual(expect.arrayContaining(longest));
  });

  // Fastify's default maxParamLength (100) would answer 414 here: app.ts raises it to fit 255 code units percent-encoded.
  it('reads the longest id (255 code units) through its path', async () => {
    const externalId = 'b'.repeat(255);
    expect((await upsert(externalId)).status).toBe(201);
    expect((await call(t.url, 'GET', `${ENTITIES}/${externalId}`, { key })).status).toBe(200);
  });

  it.each([
    ['a slash (%2F)', 'players%2F1'],
    ['a C0 control character (%00)', 'player%00'],
    ['a C1 control character (%C2%85)', 'player%C2%85'],
    ['"." (%2E)', '%2E'],
    ['".." (%2E%2E)', '%2E%2E'],
  ])('refuses %s in a path, naming externalId, on every route that takes one', async (_, encoded) => {
    for (const path of [`${ENTITIES}/${encoded}`, `${ENTITIES}/${encoded}/events`, `${ENTITIES}/${encoded}/state`]) {
      expectRefused(await rawRequest('GET', t.url, path, key), 'externalId');
    }
    expectRefused(await rawRequest('DELETE', t.url, `${ENTITIES}/${encoded}`, key), 'externalId');
  });

  it('refuses an id of 256 code units in a path (414 from the router today, 400 VALIDATION_FAILED past it)', async () => {
    const reply = await rawRequest('GET', t.url, `${ENTITIES}/${'a'.repeat(256)}`, key);
    expect([400, 414]).toContain(reply.status);
  });

  it('answers a lone surrogate percent-encoded in a path (ill-formed UTF-8) with a 400, never as U+FFFD', async () => {
    expect((await upsert('q\ufffd')).status).toBe(201);
    const reply = await rawRequest('GET', t.url, `${ENTITIES}/q%ED%A0%80`, key);
    expect(reply.status).toBe(400);
  });
});

describe('the keys of data', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ key } = await igamingOperator(t));
  });
  afterAll(async () => t.close());

  const upsert = (data: Record<string, unknown>, externalId = 'player_keys') =>
    call(t.url, 'POST', ENTITIES, { key, body: { entityType: 'player', externalId, data } });
  const openTemplate = () => {
    const player = { ...IGAMING_TEMPLATE.entity_types.player!, allow_extra_fields: true };
    return call(t.url, 'PUT', '/operator-data-api/settings', {
      key,
      body: { template: { ...IGAMING_TEMPLATE, name: 'open', entity_types: { ...IGAMING_TEMPLATE.entity_types, player } } },
    });
  };

  it('refuses an empty key, naming it, with or without extra fields allowed, in entity and event data', async () => {
    expectRefused(await upsert({ ...PLAYER, '': 'x' }), 'data.""');
    expect((await openTemplate()).status).toBe(200);
    expectRefused(await upsert({ ...PLAYER, '': 'x' }), 'data.""');
    expect((await call(t.url, 'GET', `${ENTITIES}/player_keys`, { key })).status).toBe(404);
    expect((await upsert(PLAYER)).status).toBe(201);
    const event = await call(t.url, 'POST', '/operator-data-api/events', { key, body: { externalId: 'player_keys', eventType: 'login', data: { '': 1 } } });
    expectRefused(event, 'data.""');
    expect((await call(t.url, 'GET', `${ENTITIES}/player_keys/events`, { key })).body.data).toEqual([]);
  });

  it('caps the extra fields at 50, the keys of entity data at 250 and of event data at 100', async () => {
    expect((await openTemplate()).status).toBe(200);
    const extra = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`extra_${i}`, i]));
    expect((await upsert({ ...PLAYER, ...extra(50) }, 'fifty')).status).toBe(201);
    expectRefused(await upsert({ ...PLAYER, ...extra(51) }, 'fifty_one'), 'data');
    expectRefused(await upsert({ ...PLAYER, ...extra(246) }, 'many'), 'data');
    const event = (n: number) => call(t.url, 'POST', '/operator-data-api/events', { key, body: { externalId: 'fifty', eventType: 'bet', data: extra(n) } });
    expect((await event(100)).status).toBe(201);
    expectRefused(await event(101), 'data');
  });

  it('answers data with more than 250 keys with one problem, not one per key', async () => {
    const many = Object.fromEntries(Array.from({ length: 251 }, (_, i) => [`undeclared_${i}`, i]));
    const reply = await call(t.url, 'POST', ENTITIES, { key, body: { entityType: 'game', externalId: 'game_many', data: { name: 'n', provider: 'p', ...many } } });
    expectRefused(reply, 'data');
    expect(reply.body.error.details).toHaveLength(1);
  });

  it('refuses data that is not an object, naming it', async () => {
    expectRefused(await upsert(['a'] as unknown as Record<string, unknown>), 'data');
    const event = await call(t.url, 'POST', '/operator-data-api/events', { key, body: { externalId: 'fifty', eventType: 'bet', data: 'x' } });
    expectRefused(event, 'data');
  });
});
