import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertFreshBuild, call, operatorInput, Server, startServer, waitFor } from './harness';

const root = resolve(__dirname, '../../..');
const cliMain = join(root, 'dist/apps/cli/src/main.js');
const HOLD = resolve(__dirname, 'fixtures/hold-quota.js');


/** The quota across two API processes on one DATA_DIR: the count is one atomic step of the shared request store. */
describe('Operator tokens (seed 003): the quota across two processes', () => {
  let dataDir: string;
  let servers: Server[] = [];

  beforeAll(() => {
    assertFreshBuild();
    dataDir = mkdtempSync(join(tmpdir(), 'oh-quota-processes-'));
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives exactly 40 of 50 children writing at once through two processes against a pool of 40', async () => {
    const created = spawnSync(process.execPath, [cliMain, 'platform', 'create', '--name', 'Fleet platform', '--json'], {
      env: { ...process.env, DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(created.status).toBe(0);
    const platformKey = (JSON.parse(created.stdout) as { key: string }).key;
    const env = { NODE_OPTIONS: `--require ${HOLD}`, RATE_LIMIT_PROFESSIONAL: '100000' };
    servers = [await startServer(dataDir, env), await startServer(dataDir, env)];
    const [a, b] = servers as [Server, Server];

    const operator = await call(a.url, 'POST', '/platform-api/operators', { key: platformKey, body: operatorInput() });
    const key = (await call(a.url, 'POST', `/platform-api/operators/${operator.body.data.id}/api-keys`, { key: platformKey, body: {} })).body.data.key;
    expect((await call(a.url, 'PUT', '/operator-data-api/settings', { key, body: { template: 'igaming' } })).status).toBe(200);
    const player = { entityType: 'player', externalId: 'player_1', data: { first_name: 'Ada', last_name: 'L', email: 'ada@example.com', country: 'GB', currency: 'GBP' } };
    expect((await call(a.url, 'POST', '/operator-data-api/entities', { key, body: player })).status).toBe(201);
    const token = (await call(a.url, 'POST', '/api/v1/operator-tokens', { key, body: { monthly_quota_submissions: 40 } })).body.data;
    const children: string[] = [];
    for (let i = 0; i < 50; i++) {
      const server = i % 2 === 0 ? a : b;
      const child = await call(server.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: token.operator_token, body: {} });
      expect(child.status).toBe(201);
      children.push(child.body.data.api_key);
    }

    // Every write is in a process's count, held there until all 50 are; then all go at once.
    const heldFile = join(dataDir, 'quota-held');
    const replies = Promise.all(
      children.map((child, i) =>
        call((i % 2 === 0 ? a : b).url, 'POST', '/operator-data-api/events', { key: child, body: { externalId: 'player_1', eventType: 'deposit', data: { amount: 1 } } }),
      ),
    );
    await waitFor(() => existsSync(heldFile) && readFileSync(heldFile, 'utf8').trim().split('\n').length === 50, '50 held counts');
    const pids = new Set(readFileSync(heldFile, 'utf8').trim().split('\n'));
    expect(pids).toEqual(new Set(servers.map((server) => String(server.process.pid))));
    writeFileSync(join(dataDir, 'quota-go'), '');
    const answered = await replies;

    expect(answered.filter((reply) => reply.status === 201)).toHaveLength(40);
    expect(answered.filter((reply) => reply.status === 429).map((reply) => reply.body.error.code)).toEqual(Array(10).fill('QUOTA_EXCEEDED'));
    const detail = await call(b.url, 'GET', `/api/v1/operator-tokens/${token.id}`, { key });
    expect(detail.body.data.usage_this_month).toBe(40);
    const events = await call(a.url, 'GET', '/operator-data-api/entities/player_1/events?limit=100', { key });
    expect(events.body.data).toHaveLength(40);
  });
});
