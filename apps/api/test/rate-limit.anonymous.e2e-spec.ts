import { loadConfig } from '@onehazel/runtime';
import { call, operatorWithKey, startTestApp, TestApp } from './harness';
import { expectEnvelope } from './raw-http';

const WINDOW = { RATE_LIMIT_ANONYMOUS: '3', RATE_LIMIT_WINDOW_MS: '60000' };

describe('rate limits for requests without a valid credential, per client address', () => {
  describe('without a trusted proxy (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(WINDOW);
    });
    afterAll(() => t.close());

    it('counts requests with no credential and with a wrong one together, then answers 429 RATE_LIMITED; X-Forwarded-For changes nothing', async () => {
      const op = await operatorWithKey(t);
      const refused = [
        await call(t.url, 'GET', '/api-keys'),
        await call(t.url, 'GET', '/platform-api/operators', { key: 'oh_platform_wrong' }),
        await call(t.url, 'GET', '/operator-data-api/entities', { key: 'oh_live_wrong', headers: { 'x-forwarded-for': '203.0.113.7' } }),
      ];
      expect(refused.map((reply) => [reply.status, reply.headers.get('ratelimit-remaining')])).toEqual([
        [401, '2'],
        [401, '1'],
        [401, '0'],
      ]);
      expect(refused[0]!.headers.get('ratelimit-policy')).toBe('"default";q=3;w=60');
      expect(refused[0]!.headers.get('ratelimit')).toMatch(/^"default";r=2;t=\d+$/);

      const limited = await call(t.url, 'GET', '/api-keys', { key: 'oh_live_wrong', headers: { 'x-forwarded-for': '198.51.100.9' } });
      expectEnvelope(limited, 429, 'RATE_LIMITED');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.headers.get('ratelimit')).toMatch(/^"default";r=0;t=\d+$/);

      // A valid key has its own budget, whatever its address has done.
      const keyed = await call(t.url, 'GET', '/api-keys', { key: op.key });
      expect(keyed.status).toBe(200);
      expect(keyed.headers.get('ratelimit-policy')).toBe('"default";q=600;w=60');
      expect(keyed.headers.get('ratelimit')).toMatch(/^"default";r=599;t=\d+$/);
    });
  });

  describe.each(['true', '1', '127.0.0.1/8', 'loopback, 10.0.0.0/8'])('behind a trusted proxy (TRUST_PROXY=%s)', (trustProxy) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ ...WINDOW, TRUST_PROXY: trustProxy });
    });
    afterAll(() => t.close());

    it('counts each forwarded client address on its own', async () => {
      const from = (address: string) => call(t.url, 'GET', '/api-keys', { headers: { 'x-forwarded-for': address } });
      for (let i = 0; i < 3; i++) expect((await from('203.0.113.7')).status).toBe(401);
      expectEnvelope(await from('203.0.113.7'), 429, 'RATE_LIMITED');
      const other = await from('198.51.100.9');
      expect([other.status, other.headers.get('ratelimit-remaining')]).toEqual([401, '2']);
    });
  });

  it.each(['yes', 'proxy.example.com', '10.0.0.0/8; drop'])('refuses TRUST_PROXY=%j at start', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
  });
});
