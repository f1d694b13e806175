import { createServer, Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, KeyLike, SignJWT } from 'jose';
import { barrierOnReads, call, operatorInput, operatorWithKey, startTestApp, TestApp } from './harness';
import { keyRingStream } from '@onehazel/domain';

const SECRET = 'test-secret-of-at-least-32-bytes-for-hs256!!';
const ISSUER = 'https://auth.example.test';
const AUDIENCE = 'onehazel';

const hs256 = (claims: Record<string, unknown>, options: { secret?: string; expiresIn?: string; issuer?: string; audience?: string } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('user-1')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? SECRET));

describe('API keys and sessions: security', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ JWT_SECRET: SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
  });
  afterAll(async () => t.close());

  /** Every route of the foundation and the keys issues x every credential that must not reach it: 401, alike. */
  it('answers every route with the same 401 for every credential that must not reach it', async () => {
    const a = await operatorWithKey(t);
    const b = await operatorWithKey(t);
    const revoked = await call(t.url, 'POST', '/api-keys', { key: a.key, body: { operatorId: a.operatorId } });
    await call(t.url, 'DELETE', `/api-keys?id=${revoked.body.data.id}`, { key: a.key });
    const suspendedOp = await operatorWithKey(t, a.platformKey);
    await call(t.url, 'DELETE', `/platform-api/operators/${suspendedOp.operatorId}`, { key: a.platformKey });
    const revokedPlatform = await t.registerPlatform('Revoked platform');
    await t.admin.revokeKey(revokedPlatform.id, revokedPlatform.keyId);
    const expired = await hs256({ operator_id: a.operatorId }, { expiresIn: '-1m' });
    const wronglySigned = await hs256({ operator_id: a.operatorId }, { secret: 'another-secret-of-at-least-32-bytes!!!!!' });
    const wrongIssuer = await hs256({ operator_id: a.operatorId }, { issuer: 'https://evil.test' });
    const wrongAudience = await hs256({ operator_id: a.operatorId }, { audience: 'someone-else' });
    const noClaim = await hs256({ sub: 'x' });
    const noExpiry = await new SignJWT({ operator_id: a.operatorId })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(new TextEncoder().encode(SECRET));
    const notYetValid = await new SignJWT({ operator_id: a.operatorId })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setNotBefore('10m')
      .setExpirationTime('20m')
      .sign(new TextEncoder().encode(SECRET));
    const suspendedSession = await hs256({ operator_id: suspendedOp.operatorId });
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ operator_id: a.operatorId })).toString('base64url')}.`;

    const operatorRoutes: [string, string, unknown?][] = [
      ['POST', '/api-keys', { operatorId: a.operatorId }],
      ['GET', '/api-keys'],
      ['PATCH', '/api-keys', { id: a.keyId, label: 'x' }],
      ['DELETE', `/api-keys?id=${a.keyId}`],
      ['DELETE', `/api-keys?id=${a.keyId}&hard=true`],
      ['GET', `/api-keys/${a.keyId}/history`],
    ];
    const platformRoutes: [string, string, unknown?][] = [
      ['POST', '/platform-api/operators', operatorInput()],
      ['GET', '/platform-api/operators'],
      ['GET', `/platform-api/operators/${a.operatorId}`],
      ['PUT', `/platform-api/operators/${a.operatorId}`, { plan: 'enterprise' }],
      ['DELETE', `/platform-api/operators/${a.operatorId}`],
      ['POST', `/platform-api/operators/${a.operatorId}/api-keys`, {}],
      ['GET', `/platform-api/operators/${a.operatorId}/api-keys`],
      ['DELETE', `/platform-api/operators/${a.operatorId}/api-keys/${a.keyId}`],
      ['GET', `/platform-api/operators/${a.operatorId}/history`],
    ];
    const common: [string, string | null][] = [
      ['no credentials', null],
      ['empty bearer', ''],
      ['malformed key', 'oh_live_1234'],
      ['bad checksum', a.key.slice(0, -8) + '00000000'],
      ['garbage', 'not-a-token'],
    ];
    const forOperatorRoutes: [string, string | null][] = [
      ...common,
      ['a platform key', a.platformKey],
      ['a revoked key', revoked.body.data.key],
      ['a suspended operator’s key', suspendedOp.key],
      ['an expired JWT', expired],
      ['a wrongly signed JWT', wronglySigned],
      ['a JWT from another issuer', wrongIssuer],
      ['a JWT for another audience', wrongAudience],
      ['a JWT naming no operator', noClaim],
      ['a JWT that never expires', noExpiry],
      ['a JWT not valid yet', notYetValid],
      ['an unsigned JWT', unsigned],
      ['a suspended operator’s session', suspendedSession],
    ];
    const forPlatformRoutes: [string, string | null][] = [
      ...common,
      ['an operator key', a.key],
      ['a session', await hs256({ operator_id: a.operatorId })],
      ['a revoked platform key', revokedPlatform.key],
    ];
    const table: [string, string, unknown, string, string | null][] = [
      ...operatorRoutes.flatMap(([m, p, body]) => forOperatorRoutes.map(([w, token]) => [m, p, body, w, token] as [string, string, unknown, string, string | null])),
      ...platformRoutes.flatMap(([m, p, body]) => forPlatformRoutes.map(([w, token]) => [m, p, body, w, token] as [string, string, unknown, string, string | null])),
    ];
    for (const [method, path, body, what, token] of table) {
      const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
      const reply = await call(t.url, method, path, { body, headers });
      expect([method, path, what, reply.status, reply.body.error]).toEqual([
        method,
        path,
        what,
        401,
        { code: 'UNAUTHORIZED', message: 'Missing or invalid API key' },
      ]);
    }
    // Nothing changed for the targets.
    expect((await call(t.url, 'GET', '/api-keys', { key: a.key })).body.data.find((k: { id: string }) => k.id === a.keyId)).toMatchObject({ label: 'First key', revoked: false });
    expect((await call(t.url, 'GET', `/platform-api/operators/${a.operatorId}`, { key: a.platformKey })).body.data.status).toBe('active');
    expect((await call(t.url, 'GET', '/api-keys', { key: b.key })).status).toBe(200);
  });

  it("answers another platform's operator with 404 on every key and history route", async () => {
    const a = await operatorWithKey(t);
    const b = await operatorWithKey(t);
    for (const [method, path, body] of [
      ['POST', `/platform-api/operators/${a.operatorId}/api-keys`, {}],
      ['GET', `/platform-api/operators/${a.operatorId}/api-keys`],
      ['DELETE', `/platform-api/operators/${a.operatorId}/api-keys/${a.keyId}`],
      ['GET', `/platform-api/operators/${a.operatorId}/history`],
    ] as const) {
      const reply = await call(t.url, method, path, { key: b.platformKey, body });
      expect([method, path, reply.status, reply.body.error.code]).toEqual([method, path, 404, 'OPERATOR_NOT_FOUND']);
    }
    expect((await call(t.url, 'GET', '/api-keys', { key: a.key })).body.data).toHaveLength(1);
  });

  it('accepts a valid session (HS256) on the key routes, by operator_id or app_metadata.operator_id', async () => {
    const a = await operatorWithKey(t);
    for (const claims of [{ operator_id: a.operatorId }, { app_metadata: { operator_id: a.operatorId } }]) {
      const token = await hs256(claims);
      const listed = await call(t.url, 'GET', '/api-keys', { headers: { authorization: `Bearer ${token}` } });
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((k: { id: string }) => k.id)).toEqual([a.keyId]);
    }
    const session = await hs256({ operator_id: a.operatorId });
    const created = await call(t.url, 'POST', '/api-keys', { headers: { authorization: `Bearer ${session}` }, body: { operatorId: a.operatorId } });
    expect(created.status).toBe(201);
    const history = await call(t.url, 'GET', `/api-keys/${created.body.data.id}/history`, { key: a.key });
    expect(history.body.data[0].actor).toEqual({ kind: 'session', id: `${a.operatorId}:user-1` });
  });

  it('refuses every key and session of an operator from the request after its suspension returns, and restores unrevoked keys on reactivation', async () => {
    const a = await operatorWithKey(t);
    const second = await call(t.url, 'POST', '/api-keys', { key: a.key, body: { operatorId: a.operatorId } });
    const revoked = await call(t.url, 'POST', '/api-keys', { key: a.key, body: { operatorId: a.operatorId } });
    await call(t.url, 'DELETE', `/api-keys?id=${revoked.body.data.id}`, { key: a.key });
    const session = await hs256({ operator_id: a.operatorId });
    const suspended = await call(t.url, 'DELETE', `/platform-api/operators/${a.operatorId}`, { key: a.platformKey });
    expect(suspended.status).toBe(200);
    for (const token of [a.key, second.body.data.key, session]) {
      expect((await call(t.url, 'GET', '/api-keys', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    }
    await call(t.url, 'PUT', `/platform-api/operators/${a.operatorId}`, { key: a.platformKey, body: { status: 'active' } });
    for (const token of [a.key, second.body.data.key, session]) {
      expect((await call(t.url, 'GET', '/api-keys', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
    expect((await call(t.url, 'GET', '/api-keys', { key: revoked.body.data.key })).status).toBe(401);
  });

  it('lets exactly one of two concurrent revokes of an operator’s last two keys succeed, both decided on the same state', async () => {
    const a = await operatorWithKey(t);
    const second = await call(t.url, 'POST', '/api-keys', { key: a.key, body: { operatorId: a.operatorId } });
    // Both revokes read the key ring before either appends: only the stream revision can stop the second.
    const barrier = barrierOnReads(t.app.runtime.stores.events, 2, (stream) => stream === keyRingStream(a.operatorId));
    try {
      const [one, two] = await Promise.all([
        call(t.url, 'DELETE', `/api-keys?id=${a.keyId}`, { key: a.key }),
        call(t.url, 'DELETE', `/api-keys?id=${second.body.data.id}`, { key: second.body.data.key }),
      ]);
      expect([one.status, two.status].sort()).toEqual([200, 400]);
      expect([one, two].find((r) => r.status === 400)!.body.error.code).toBe('LAST_ACTIVE_KEY');
      const survivor = one.status === 200 ? second.body.data.key : a.key;
      const keys = (await call(t.url, 'GET', '/api-keys', { key: survivor })).body.data;
      expect(keys.filter((k: { revoked: boolean }) => !k.revoked)).toHaveLength(1);
    } finally {
      barrier.restore();
    }
  });

  it('never writes a key in plaintext to the data files, the logs or an answer other than its creation', async () => {
    const a = await operatorWithKey(t);
    const created = await call(t.url, 'POST', '/api-keys', { key: a.key, body: { operatorId: a.operatorId, label: 'grep me' } });
    const plaintext = created.body.data.key;
    await call(t.url, 'GET', '/api-keys', { key: plaintext });
    await call(t.url, 'DELETE', `/api-keys?id=${created.body.data.id}`, { key: a.key });
    await call(t.url, 'GET', '/api-keys', { key: plaintext });
    const answers = [
      await call(t.url, 'GET', '/api-keys', { key: a.key }),
      await call(t.url, 'GET', `/platform-api/operators/${a.operatorId}/api-keys`, { key: a.platformKey }),
      await call(t.url, 'GET', `/platform-api/operators/${a.operatorId}/history`, { key: a.platformKey }),
    ];
    for (const answer of answers) expect(JSON.stringify(answer.body)).not.toContain(plaintext);
    for (const secret of [plaintext, a.key, a.platformKey]) {
      for (const file of readdirSync(t.dataDir)) {
        expect([file, readFileSync(join(t.dataDir, file)).includes(secret)]).toEqual([file, false]);
      }
      expect(t.logs.filter((line) => line.includes(secret))).toEqual([]);
    }
  });
});

describe('operator sessions signed with keys from a JWKS URL (RS256)', () => {
  let t: TestApp;
  let jwks: Server;
  let privateKey: KeyLike;
  let ecKey: KeyLike;
  let publicPem: string;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey as KeyLike;
    publicPem = await exportSPKI(pair.publicKey);
    const ec = await generateKeyPair('ES256');
    ecKey = ec.privateKey as KeyLike;
    const keys = [
      { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'k2', alg: 'ES256', use: 'sig' },
    ];
    jwks = createServer((_, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const address = jwks.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    t = await startTestApp({ JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  const signed = (
    claims: Record<string, unknown>,
    key: KeyLike | Uint8Array,
    header: { alg: string; kid?: string },
    options: { expiresIn?: string; audience?: string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader(header)
      .setIssuer(ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(key);

  const status = async (token: string) => (await call(t.url, 'GET', '/api-keys', { headers: { authorization: `Bearer ${token}` } })).status;

  it('accepts tokens signed by the published RS256 and ES256 keys', async () => {
    const a = await operatorWithKey(t);
    expect(await status(await signed({ operator_id: a.operatorId }, privateKey, { alg: 'RS256', kid: 'k1' }))).toBe(200);
    expect(await status(await signed({ operator_id: a.operatorId }, ecKey, { alg: 'ES256', kid: 'k2' }))).toBe(200);
  });

  it('refuses a stranger’s key, an expired or misaddressed token, and an HMAC token keyed with the public key', async () => {
    const a = await operatorWithKey(t);
    const claims = { operator_id: a.operatorId };
    const stranger = (await generateKeyPair('RS256')).privateKey as KeyLike;
    const refused = [
      await signed(claims, stranger, { alg: 'RS256', kid: 'k1' }),
      await signed(claims, privateKey, { alg: 'RS256', kid: 'k1' }, { expiresIn: '-1m' }),
      await signed(claims, privateKey, { alg: 'RS256', kid: 'k1' }, { audience: 'another-app' }),
      // Algorithm confusion: HS256 "signed" with the RSA public key as the secret.
      await signed(claims, new TextEncoder().encode(publicPem), { alg: 'HS256', kid: 'k1' }),
      await hs256(claims),
    ];
    for (const token of refused) expect(await status(token)).toBe(401);
  });
});
