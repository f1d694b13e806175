import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, operatorWithKey, startTestApp, TestApp } from './harness';

describe('rate limits per key', () => {
  let dir: string;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oh-rate-'));
    const env = { RATE_LIMIT_PROFESSIONAL: '4', RATE_LIMIT_PLATFORM: '50', RATE_LIMIT_WINDOW_MS: '60000' };
    a = await startTestApp(env, dir);
    b = await startTestApp(env, dir);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts each key’s requests across instances, with RateLimit-* headers, then 429 RATE_LIMITED with Retry-After', async () => {
    const op = await operatorWithKey(a);
    const remaining: (string | null)[] = [];
    for (const app of [a, b, a, b]) {
      const reply = await call(app.url, 'GET', '/api-keys', { key: op.key });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('ratelimit-limit')).toBe('4');
      remaining.push(reply.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['3', '2', '1', '0']);
    const limited = await call(b.url, 'GET', '/api-keys', { key: op.key });
    expect([limited.status, limited.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('ratelimit-reset')).toBe(limited.headers.get('retry-after'));
    // The same budget covers the operator data API (seed 001's RATE_LIMITED).
    const data = await call(a.url, 'GET', '/operator-data-api/entities', { key: op.key });
    expect([data.status, data.body.error.code]).toEqual([429, 'RATE_LIMITED']);

    // Another key of the same operator has its own budget; the platform has its own limit.
    const second = await call(a.url, 'POST', `/platform-api/operators/${op.operatorId}/api-keys`, { key: op.platformKey, body: {} });
    const other = await call(a.url, 'GET', '/api-keys', { key: second.body.data.key });
    expect([other.status, other.headers.get('ratelimit-remaining')]).toEqual([200, '3']);
    const platform = await call(a.url, 'GET', '/platform-api/operators', { key: op.platformKey });
    expect([platform.status, platform.headers.get('ratelimit-limit')]).toEqual([200, '50']);
  });

  it('uses the plan of the operator: an enterprise operator has the higher default', async () => {
    const op = await operatorWithKey(a);
    await call(a.url, 'PUT', `/platform-api/operators/${op.operatorId}`, { key: op.platformKey, body: { plan: 'enterprise' } });
    const reply = await call(a.url, 'GET', '/api-keys', { key: op.key });
    expect(reply.headers.get('ratelimit-limit')).toBe('3000');
  });
});
