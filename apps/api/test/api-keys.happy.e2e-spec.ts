import { call, operatorWithKey, startTestApp, TestApp } from './harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('API keys (seed 002 and seed 000), happy paths', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ LAST_USED_INTERVAL_MS: '0' });
  });
  afterAll(async () => t.close());

  it('lets a platform provision an operator key that then authenticates the operator', async () => {
    const { operatorId, key, keyId } = await operatorWithKey(t);
    expect(key).toMatch(/^oh_live_[0-9a-f]{64}$/);
    expect(keyId).toMatch(UUID);
    const listed = await call(t.url, 'GET', '/api-keys', { key });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(1);
    // Seed 002's fields, and this product's three about child keys (seed 003).
    expect(Object.keys(listed.body.data[0]).sort()).toEqual(['agentId', 'createdAt', 'id', 'keyHash', 'label', 'lastUsedAt', 'operatorId', 'operatorTokenId', 'revoked', 'tier']);
    expect(listed.body.data[0]).toMatchObject({
      id: keyId,
      operatorId,
      keyHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      label: 'First key',
      createdAt: expect.any(String),
      revoked: false,
    });
  });

  it('creates a key (201 with the plaintext once), renames, revokes and hard-deletes it', async () => {
    const { operatorId, key } = await operatorWithKey(t);
    const created = await call(t.url, 'POST', '/api-keys', { key, body: { operatorId, label: 'Production backend' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      success: true,
      data: { id: expect.stringMatching(UUID), key: expect.stringMatching(/^oh_live_[0-9a-f]{64}$/), label: 'Production backend', createdAt: expect.any(String) },
    });
    const id = created.body.data.id;
    expect((await call(t.url, 'GET', '/api-keys', { key: created.body.data.key })).status).toBe(200);

    const renamed = await call(t.url, 'PATCH', '/api-keys', { key, body: { id, label: 'Production v2' } });
    expect([renamed.status, renamed.body]).toEqual([200, { success: true, message: 'Key renamed' }]);
    const afterRename = (await call(t.url, 'GET', '/api-keys', { key })).body.data;
    expect(afterRename.find((k: { id: string }) => k.id === id).label).toBe('Production v2');

    const revoked = await call(t.url, 'DELETE', `/api-keys?id=${id}`, { key });
    expect([revoked.status, revoked.body]).toEqual([200, { success: true, message: 'Key revoked' }]);
    expect((await call(t.url, 'GET', '/api-keys', { key: created.body.data.key })).status).toBe(401);
    const listed = (await call(t.url, 'GET', '/api-keys', { key })).body.data;
    expect(listed.find((k: { id: string }) => k.id === id).revoked).toBe(true);

    const deleted = await call(t.url, 'DELETE', `/api-keys?id=${id}&hard=true`, { key });
    expect([deleted.status, deleted.body]).toEqual([200, { success: true, message: 'Key deleted' }]);
    expect((await call(t.url, 'GET', '/api-keys', { key })).body.data.map((k: { id: string }) => k.id)).not.toContain(id);
  });

  it('rotates: a new key works, the old one is revoked and refused on the next request', async () => {
    const { operatorId, key: oldKey, keyId: oldId } = await operatorWithKey(t);
    const fresh = await call(t.url, 'POST', '/api-keys', { key: oldKey, body: { operatorId, label: 'Rotated' } });
    const newKey = fresh.body.data.key;
    expect((await call(t.url, 'DELETE', `/api-keys?id=${oldId}`, { key: newKey })).status).toBe(200);
    expect((await call(t.url, 'GET', '/api-keys', { key: oldKey })).status).toBe(401);
    expect((await call(t.url, 'GET', '/api-keys', { key: newKey })).status).toBe(200);
  });

  it('records lastUsedAt after a key is used, and a later rename keeps it', async () => {
    const { key, keyId } = await operatorWithKey(t);
    const before = Date.now();
    await call(t.url, 'GET', '/api-keys', { key });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const listed = (await call(t.url, 'GET', '/api-keys', { key })).body.data;
    const lastUsedAt = listed.find((k: { id: string }) => k.id === keyId).lastUsedAt;
    expect(Date.parse(lastUsedAt)).toBeGreaterThanOrEqual(before - 5);
    await call(t.url, 'PATCH', '/api-keys', { key, body: { id: keyId, label: 'Renamed' } });
    const renamed = (await call(t.url, 'GET', '/api-keys', { key })).body.data.find((k: { id: string }) => k.id === keyId);
    expect(renamed.label).toBe('Renamed');
    expect(renamed.lastUsedAt).not.toBeNull();
  });

  it('shows the platform masked keys, and lets it revoke even the last active one', async () => {
    const { platformKey, operatorId, key, keyId } = await operatorWithKey(t);
    const listed = await call(t.url, 'GET', `/platform-api/operators/${operatorId}/api-keys`, { key: platformKey });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([
      expect.objectContaining({ id: keyId, maskedKey: `oh_live_…${key.slice(-4)}`, keyHash: expect.stringMatching(/^[0-9a-f]{8}…$/), revoked: false }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const revoked = await call(t.url, 'DELETE', `/platform-api/operators/${operatorId}/api-keys/${keyId}`, { key: platformKey });
    expect([revoked.status, revoked.body]).toEqual([200, { success: true, message: 'Key revoked' }]);
    expect((await call(t.url, 'GET', '/api-keys', { key })).status).toBe(401);
  });

  it('tells the history of a key and of an operator from the log, with actors and request ids, without hashes', async () => {
    const { platformKey, operatorId, key, keyId } = await operatorWithKey(t);
    const second = await call(t.url, 'POST', '/api-keys', { key, body: { operatorId }, headers: { 'x-request-id': 'create-second' } });
    await call(t.url, 'PATCH', '/api-keys', { key, body: { id: keyId, label: 'Renamed' }, headers: { 'x-request-id': 'rename-first' } });
    await call(t.url, 'DELETE', `/api-keys?id=${second.body.data.id}`, { key });

    const keyHistory = await call(t.url, 'GET', `/api-keys/${keyId}/history`, { key });
    expect(keyHistory.status).toBe(200);
    expect(keyHistory.body.data.map((e: { type: string }) => e.type)).toEqual(['ApiKeyIssued', 'ApiKeyRenamed']);
    expect(keyHistory.body.data[0].actor.kind).toBe('platform');
    expect(keyHistory.body.data[1]).toMatchObject({ actor: { kind: 'key', id: keyId }, requestId: 'rename-first', data: { label: 'Renamed' } });

    const operatorHistory = await call(t.url, 'GET', `/platform-api/operators/${operatorId}/history`, { key: platformKey });
    expect(operatorHistory.body.data.map((e: { type: string }) => e.type)).toEqual([
      'OperatorCreated',
      'ApiKeyIssued',
      'ApiKeyIssued',
      'ApiKeyRenamed',
      'ApiKeyRevoked',
    ]);
    expect(JSON.stringify(operatorHistory.body)).not.toMatch(/keyHash|oh_live_[0-9a-f]{64}/);
    const paged = await call(t.url, 'GET', `/platform-api/operators/${operatorId}/history?limit=2`, { key: platformKey });
    expect(paged.body.data).toHaveLength(2);
    const rest = await call(t.url, 'GET', `/platform-api/operators/${operatorId}/history?cursor=${paged.body.pagination.nextCursor}`, { key: platformKey });
    expect(rest.body.data.map((e: { type: string }) => e.type)).toEqual(['ApiKeyIssued', 'ApiKeyRenamed', 'ApiKeyRevoked']);
  });
});
