import type { EventStore } from '@onehazel/event-store';
import type { ReadStore } from '@onehazel/read-store';
import { call, operatorWithKey, startTestApp, TestApp } from './harness';

/** Every row of seed 002's error table, and the other ways a request can be wrong. */
describe('API keys (seed 002), errors', () => {
  let t: TestApp;
  let operatorId: string;
  let key: string;
  let keyId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ operatorId, key, keyId } = await operatorWithKey(t));
  });
  afterAll(async () => t.close());

  const keyCount = async (): Promise<number> => (await call(t.url, 'GET', '/api-keys', { key })).body.data.length;

  it.each([
    ['POST', '/api-keys', { label: 'x' }, 'operatorId is required'],
    ['PATCH', '/api-keys', { label: 'x' }, 'id and label are required'],
    ['PATCH', '/api-keys', { id: '00000000-0000-4000-8000-000000000000' }, 'id and label are required'],
    ['DELETE', '/api-keys', undefined, "Query parameter 'id' is required"],
    ['DELETE', '/api-keys?hard=true', undefined, "Query parameter 'id' is required"],
  ])('%s %s %j: 400 MISSING_FIELDS "%s", nothing changed', async (method, path, body, message) => {
    const before = await keyCount();
    const reply = await call(t.url, method, path, { key, body });
    expect([reply.status, reply.body.success, reply.body.error]).toEqual([400, false, { code: 'MISSING_FIELDS', message }]);
    expect(await keyCount()).toBe(before);
  });

  it('refuses to revoke the last active key: 400 LAST_ACTIVE_KEY with the seed’s message', async () => {
    const reply = await call(t.url, 'DELETE', `/api-keys?id=${keyId}`, { key });
    expect([reply.status, reply.body.error]).toEqual([
      400,
      { code: 'LAST_ACTIVE_KEY', message: 'Cannot revoke your last active API key — create a new one first' },
    ]);
    expect((await call(t.url, 'GET', '/api-keys', { key })).status).toBe(200);
  });

  it('refuses to hard-delete an active key: 400 KEY_NOT_REVOKED with the seed’s message', async () => {
    const reply = await call(t.url, 'DELETE', `/api-keys?id=${keyId}&hard=true`, { key });
    expect([reply.status, reply.body.error]).toEqual([
      400,
      { code: 'KEY_NOT_REVOKED', message: 'Cannot delete an active key — revoke it first' },
    ]);
  });

  it.each(['PUT', 'OPTIONS', 'PROPFIND'])('answers %s /api-keys with 405 METHOD_NOT_ALLOWED, authenticated or not', async (method) => {
    for (const auth of [{ key }, {}]) {
      const reply = await call(t.url, method, '/api-keys', auth);
      expect([reply.status, reply.body.error, reply.headers.get('allow')]).toEqual([
        405,
        { code: 'METHOD_NOT_ALLOWED', message: 'Method not allowed' },
        'GET, HEAD, POST, PATCH, DELETE',
      ]);
    }
  });

  it('answers a key id that is not the caller’s, or not a key id, with 404 API_KEY_NOT_FOUND', async () => {
    const other = await operatorWithKey(t);
    for (const [method, path, body] of [
      ['PATCH', '/api-keys', { id: other.keyId, label: 'mine now' }],
      ['DELETE', `/api-keys?id=${other.keyId}`],
      ['DELETE', `/api-keys?id=${other.keyId}&hard=true`],
      ['GET', `/api-keys/${other.keyId}/history`],
      ['PATCH', '/api-keys', { id: 'not-a-uuid', label: 'x' }],
      ['GET', '/api-keys/not-a-uuid/history'],
    ] as const) {
      const reply = await call(t.url, method, path, { key, body });
      expect([method, path, reply.status, reply.body.error?.code]).toEqual([method, path, 404, 'API_KEY_NOT_FOUND']);
    }
    const theirs = (await call(t.url, 'GET', '/api-keys', { key: other.key })).body.data[0];
    expect(theirs).toMatchObject({ label: 'First key', revoked: false });
  });

  it('answers a key created for another operator with 404, and creates nothing', async () => {
    const other = await operatorWithKey(t);
    const before = (await call(t.url, 'GET', '/api-keys', { key: other.key })).body.data.length;
    const reply = await call(t.url, 'POST', '/api-keys', { key, body: { operatorId: other.operatorId } });
    expect([reply.status, reply.body.error.code]).toEqual([404, 'OPERATOR_NOT_FOUND']);
    expect((await call(t.url, 'GET', '/api-keys', { key: other.key })).body.data.length).toBe(before);
  });

  it('rejects bad fields with 400 VALIDATION_FAILED naming them', async () => {
    for (const [method, path, body, field] of [
      ['POST', '/api-keys', { operatorId, label: 'x'.repeat(101) }, 'label'],
      ['POST', '/api-keys', { operatorId, tier: 'admin' }, 'tier'],
      ['PATCH', '/api-keys', { id: keyId, label: '' }, 'label'],
      ['DELETE', `/api-keys?id=${keyId}&hard=yes`, undefined, 'hard'],
      ['GET', '/api-keys?limit=500', undefined, 'limit'],
    ] as const) {
      const reply = await call(t.url, method, path, { key, body });
      expect([method, path, reply.status, reply.body.error.code, reply.body.error.details.map((d: { field: string }) => d.field)]).toEqual([
        method,
        path,
        400,
        'VALIDATION_FAILED',
        [field],
      ]);
    }
  });

  describe('when the store fails: 500 INTERNAL_ERROR with the seed’s message, logged without secrets', () => {
    let spare: { id: string; key: string };
    beforeAll(async () => {
      const created = await call(t.url, 'POST', '/api-keys', { key, body: { operatorId } });
      spare = created.body.data;
      await call(t.url, 'DELETE', `/api-keys?id=${spare.id}`, { key });
      // A second active key, so that revoking the first is allowed and reaches the store.
      await call(t.url, 'POST', '/api-keys', { key, body: { operatorId } });
    });

    const failing = async (store: EventStore | ReadStore, method: 'append' | 'find', run: () => Promise<void>) => {
      const original = (store as unknown as Record<string, unknown>)[method];
      (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        const query = args[1] as { where?: Record<string, unknown> } | undefined;
        if (method === 'find' && !query?.where?.operatorId) return (original as (...a: unknown[]) => unknown).apply(store, args);
        throw new Error('disk I/O error');
      };
      try {
        await run();
      } finally {
        (store as unknown as Record<string, unknown>)[method] = original;
      }
    };

    it.each([
      ['Failed to create key', 'POST', () => '/api-keys', () => ({ operatorId })],
      ['Failed to rename key', 'PATCH', () => '/api-keys', () => ({ id: keyId, label: 'x' })],
      ['Failed to revoke key', 'DELETE', () => `/api-keys?id=${keyId}`, () => undefined],
      ['Failed to delete key', 'DELETE', () => `/api-keys?id=${spare.id}&hard=true`, () => undefined],
    ])('%s', async (message, method, path, body) => {
      await failing(t.app.runtime.stores.events, 'append', async () => {
        const reply = await call(t.url, method, path(), { key, body: body() });
        expect([reply.status, reply.body.error]).toEqual([500, { code: 'INTERNAL_ERROR', message }]);
        const logged = t.logs.filter((line) => line.includes(reply.body.requestId));
        expect(logged.some((line) => line.includes('disk I/O error'))).toBe(true);
        expect(logged.some((line) => line.includes(key))).toBe(false);
      });
    });

    it('GET: Failed to list keys', async () => {
      await failing(t.app.runtime.stores.read, 'find', async () => {
        const reply = await call(t.url, 'GET', '/api-keys', { key });
        expect([reply.status, reply.body.error]).toEqual([500, { code: 'INTERNAL_ERROR', message: 'Failed to list keys' }]);
      });
    });
  });
});
