import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { call, operatorWithKey, Server, startServer, startTestApp, TestApp } from './harness';

const SECRET = 'instances-test-secret-of-at-least-32-bytes';
const session = (operatorId: string) =>
  new SignJWT({ operator_id: operatorId })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));

/**
 * Two API instances on one backend (one DATA_DIR): A in this process, B the built server in a process of
 * its own, with its own connections, projector and memory. Nothing B holds may let a revoked key, or an
 * operator suspended through A, in.
 */
describe('immediate effect on every instance', () => {
  let dir: string;
  let a: TestApp;
  let b: Server;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oh-instances-'));
    a = await startTestApp({ JWT_SECRET: SECRET }, dir);
    b = await startServer(dir, { JWT_SECRET: SECRET });
  });
  afterAll(async () => {
    await b?.stop();
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses on instance B a key revoked through instance A, on the very next request', async () => {
    const op = await operatorWithKey(a);
    const second = await call(a.url, 'POST', '/api-keys', { key: op.key, body: { operatorId: op.operatorId } });
    expect((await call(b.url, 'GET', '/api-keys', { key: second.body.data.key })).status).toBe(200);
    expect((await call(a.url, 'DELETE', `/api-keys?id=${second.body.data.id}`, { key: op.key })).status).toBe(200);
    expect((await call(b.url, 'GET', '/api-keys', { key: second.body.data.key })).status).toBe(401);
  });

  it('refuses on instance B every key of an operator suspended through instance A, and restores them on reactivation', async () => {
    const op = await operatorWithKey(a);
    expect((await call(b.url, 'GET', '/api-keys', { key: op.key })).status).toBe(200);
    expect((await call(a.url, 'DELETE', `/platform-api/operators/${op.operatorId}`, { key: op.platformKey })).status).toBe(200);
    expect((await call(b.url, 'GET', '/api-keys', { key: op.key })).status).toBe(401);
    expect((await call(b.url, 'PUT', `/platform-api/operators/${op.operatorId}`, { key: op.platformKey, body: { status: 'active' } })).status).toBe(200);
    expect((await call(a.url, 'GET', '/api-keys', { key: op.key })).status).toBe(200);
  });

  it('refuses on instance B a session of an operator suspended through instance A', async () => {
    const op = await operatorWithKey(a);
    const token = await session(op.operatorId);
    expect((await call(b.url, 'GET', '/api-keys', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await call(a.url, 'DELETE', `/platform-api/operators/${op.operatorId}`, { key: op.platformKey });
    expect((await call(b.url, 'GET', '/api-keys', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('refuses on instance B a key its platform revoked through instance A', async () => {
    const op = await operatorWithKey(a);
    await call(a.url, 'DELETE', `/platform-api/operators/${op.operatorId}/api-keys/${op.keyId}`, { key: op.platformKey });
    expect((await call(b.url, 'GET', '/api-keys', { key: op.key })).status).toBe(401);
  });

  it('refuses on instance B a key hard-deleted through instance A', async () => {
    const op = await operatorWithKey(a);
    const second = await call(a.url, 'POST', '/api-keys', { key: op.key, body: { operatorId: op.operatorId } });
    await call(a.url, 'DELETE', `/api-keys?id=${second.body.data.id}`, { key: op.key });
    await call(a.url, 'DELETE', `/api-keys?id=${second.body.data.id}&hard=true`, { key: op.key });
    expect((await call(b.url, 'GET', '/api-keys', { key: second.body.data.key })).status).toBe(401);
    const listed = await call(b.url, 'GET', '/api-keys', { key: op.key });
    expect(listed.body.data.map((k: { id: string }) => k.id)).toEqual([op.keyId]);
  });
});
