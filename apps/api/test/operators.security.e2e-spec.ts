import { call, operatorInput, startTestApp, TestApp } from './harness';

/** Every operator route x every credential that must not reach it. */
describe('Platform API: operators (security)', () => {
  let t: TestApp;
  let ownKey: string;
  let otherKey: string;
  let revokedKey: string;
  let operatorId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ key: ownKey } = await t.registerPlatform('Owner'));
    ({ key: otherKey } = await t.registerPlatform('Other'));
    const revoked = await t.registerPlatform('Revoked');
    revokedKey = revoked.key;
    await t.admin.revokeKey(revoked.id, revoked.keyId);
    operatorId = (await call(t.url, 'POST', '/platform-api/operators', { key: ownKey, body: operatorInput() })).body.data.id;
  });
  afterAll(async () => t.close());

  const routes = (): [string, string, unknown?][] => [
    ['POST', '/platform-api/operators', operatorInput()],
    ['GET', '/platform-api/operators'],
    ['GET', `/platform-api/operators/${operatorId}`],
    ['PUT', `/platform-api/operators/${operatorId}`, { plan: 'enterprise' }],
    ['DELETE', `/platform-api/operators/${operatorId}`],
  ];

  const badCredentials = (): [string, Record<string, string>][] => {
    const wellFormedUnknown = ownKey.slice(0, -8) + 'deadbeef';
    return [
      ['no Authorization header', {}],
      ['an empty bearer', { authorization: 'Bearer ' }],
      ['a non-bearer scheme', { authorization: `Basic ${ownKey}` }],
      ['a wrong prefix', { authorization: `Bearer ${ownKey.replace('oh_platform_', 'oh_live_')}` }],
      ['a bad checksum', { authorization: `Bearer ${wellFormedUnknown}` }],
      ['a revoked key', { authorization: `Bearer ${revokedKey}` }],
      ['garbage', { authorization: 'Bearer oh_platform_<script>' }],
      ['the key twice', { authorization: `Bearer ${ownKey} ${ownKey}` }],
    ];
  };

  it('answers every route with the same 401 for every bad credential, and changes nothing', async () => {
    for (const [method, path, body] of routes()) {
      for (const [what, headers] of badCredentials()) {
        const reply = await call(t.url, method, path, { body, headers });
        expect([method, path, what, reply.status, reply.body]).toEqual([
          method,
          path,
          what,
          401,
          { success: false, error: { code: 'UNAUTHORIZED', message: 'Missing or invalid API key' }, requestId: expect.any(String) },
        ]);
      }
    }
    const read = await call(t.url, 'GET', `/platform-api/operators/${operatorId}`, { key: ownKey });
    expect(read.body.data).toMatchObject({ status: 'active', plan: 'professional' });
  });

  it("answers another platform's operator with 404 on read, update and suspend, and leaves it untouched", async () => {
    for (const [method, path, body] of routes().slice(2)) {
      const reply = await call(t.url, method, path, { key: otherKey, body });
      expect([method, reply.status, reply.body.error?.code]).toEqual([method, 404, 'OPERATOR_NOT_FOUND']);
    }
    const listed = await call(t.url, 'GET', '/platform-api/operators', { key: otherKey });
    expect(listed.body.data).toEqual([]);
    const read = await call(t.url, 'GET', `/platform-api/operators/${operatorId}`, { key: ownKey });
    expect(read.body.data).toMatchObject({ status: 'active', plan: 'professional' });
  });

  it('answers a 404 for a foreign operator exactly like one for an operator that does not exist', async () => {
    const foreign = await call(t.url, 'GET', `/platform-api/operators/${operatorId}`, { key: otherKey });
    const missing = await call(t.url, 'GET', '/platform-api/operators/op_ffffffffffffffff', { key: otherKey });
    expect({ ...foreign.body, requestId: 'x' }).toEqual({ ...missing.body, requestId: 'x' });
  });

  it('refuses a key from the request after its revocation returns', async () => {
    const platform = await t.registerPlatform('Soon revoked');
    expect((await call(t.url, 'GET', '/platform-api/operators', { key: platform.key })).status).toBe(200);
    await t.admin.revokeKey(platform.id, platform.keyId);
    expect((await call(t.url, 'GET', '/platform-api/operators', { key: platform.key })).status).toBe(401);
  });

  it('keeps the operator’s contact e-mail (personal data) out of the event log, the read model and the logs', async () => {
    const email = 'ottilie.contact@casino.example';
    const created = await call(t.url, 'POST', '/platform-api/operators', { key: ownKey, body: operatorInput({ contactEmail: email }) });
    expect(created.body.data.contactEmail).toBe(email);
    const changed = 'new.contact@casino.example';
    await call(t.url, 'PUT', `/platform-api/operators/${created.body.data.id}`, { key: ownKey, body: { contactEmail: changed } });
    expect((await call(t.url, 'GET', `/platform-api/operators/${created.body.data.id}`, { key: ownKey })).body.data.contactEmail).toBe(changed);
    const listed = await call(t.url, 'GET', '/platform-api/operators?limit=100', { key: ownKey });
    expect(listed.body.data.map((o: { contactEmail: string }) => o.contactEmail)).toContain(changed);
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    for (const value of [email, changed]) {
      for (const file of readdirSync(t.dataDir)) expect([file, value, readFileSync(join(t.dataDir, file)).includes(value)]).toEqual([file, value, false]);
      expect(t.logs.some((line) => line.includes(value))).toBe(false);
    }
    // The same address again records nothing.
    const before = (await call(t.url, 'GET', `/platform-api/operators/${created.body.data.id}/history`, { key: ownKey })).body.data.length;
    await call(t.url, 'PUT', `/platform-api/operators/${created.body.data.id}`, { key: ownKey, body: { contactEmail: changed } });
    expect((await call(t.url, 'GET', `/platform-api/operators/${created.body.data.id}/history`, { key: ownKey })).body.data).toHaveLength(before);
  });

  it('never writes a platform key into the logs or the data files in plaintext', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    for (const file of readdirSync(t.dataDir)) {
      expect([file, readFileSync(join(t.dataDir, file)).includes(ownKey)]).toEqual([file, false]);
    }
    expect(t.logs.some((line) => line.includes(ownKey))).toBe(false);
    expect(t.logs.length).toBeGreaterThan(0);
  });
});
