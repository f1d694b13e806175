import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertBuiltFrom } from '../../../tools/test/fresh-build';
import { call, operatorInput, startTestApp } from '../../api/test/harness';

const root = resolve(__dirname, '../../..');
const cliMain = join(root, 'dist/apps/cli/src/main.js');

function cli(dataDir: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [cliMain, ...args], { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `npm run cli -- audit ...` on the machine: the same replays as the HTTP histories, as a timeline or JSON lines. */
describe('npm run cli -- audit', () => {
  let dataDir: string;
  let operatorId: string;
  let keyId: string;
  let tokenId: string;

  beforeAll(async () => {
    assertBuiltFrom(cliMain);
    dataDir = mkdtempSync(join(tmpdir(), 'oh-cli-audit-'));
    let now = Date.parse('2026-03-01T10:00:00.000Z');
    const t = await startTestApp({}, dataDir, { clock: () => now });
    try {
      const platformKey = (await t.registerPlatform()).key;
      operatorId = (await call(t.url, 'POST', '/platform-api/operators', { key: platformKey, body: operatorInput() })).body.data.id;
      now = Date.parse('2026-03-02T10:00:00.000Z');
      const issued = (await call(t.url, 'POST', `/platform-api/operators/${operatorId}/api-keys`, { key: platformKey, body: { label: 'Backend' } })).body.data;
      keyId = issued.id;
      now = Date.parse('2026-03-03T10:00:00.000Z');
      const minted = (await call(t.url, 'POST', '/api/v1/operator-tokens', { key: issued.key, body: { label: 'fleet' } })).body.data;
      tokenId = minted.id;
      now = Date.parse('2026-03-04T10:00:00.000Z');
      await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: minted.operator_token, body: {} });
      now = Date.parse('2026-03-05T10:00:00.000Z');
      await call(t.url, 'DELETE', `/platform-api/operators/${operatorId}`, { key: platformKey });
    } finally {
      await t.close();
    }
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints a key’s history as JSON lines, the state at --as-of last', () => {
    const run = cli(dataDir, 'audit', 'key', keyId, '--as-of', '2026-03-06T00:00:00Z', '--json');

    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({ type: 'ApiKeyIssued', at: '2026-03-02T10:00:00.000Z', summary: 'key issued by the platform (tier verified)' }),
      {
        asOf: {
          at: '2026-03-06T00:00:00.000Z',
          state: { tier: 'verified', issuedBy: 'platform', label: 'Backend', revoked: false, operatorStatus: 'suspended', couldAuthenticate: false },
          event: expect.objectContaining({ type: 'ApiKeyIssued' }),
        },
      },
    ]);
    expect(run.stdout).not.toMatch(/keyHash|oh_live_/);
  });

  it('prints a readable timeline by default, and the state then', () => {
    const run = cli(dataDir, 'audit', 'operator', operatorId, '--as-of', '2026-03-04T12:00:00Z');

    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(`History of operator ${operatorId}: 2 events`);
    expect(lines[1]).toMatch(/^ {2}2026-03-01T10:00:00\.000Z {2}OperatorCreated {8}operator created \(plan professional\) {2}\[by platform plt_\w+, request [\w-]+\]$/);
    expect(lines[2]).toMatch(/ApiKeyIssued/);
    expect(lines.slice(3)).toEqual([
      'As of 2026-03-04T12:00:00.000Z:',
      '  status: active',
      '  name: Lucky Spin Casino',
      '  plan: professional',
      '  industry: igaming',
      '  activeKeys: 1',
      '  (since ApiKeyIssued at 2026-03-02T10:00:00.000Z)',
    ]);
    expect(run.stdout).not.toContain('admin@luckyspin.com');
  });

  it('prints an operator token’s history with its live children at --as-of', () => {
    const run = cli(dataDir, 'audit', 'token', tokenId, '--as-of', '2026-03-04T12:00:00Z', '--json');

    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.type ?? 'asOf')).toEqual(['OperatorTokenMinted', 'ChildKeyMinted', 'asOf']);
    expect(lines[2].asOf.state).toMatchObject({ revoked: false, liveChildren: 1 });
  });

  it.each([
    [['audit', 'key', '00000000-0000-4000-8000-000000000000'], /no key .* is listed: name its operator with --operator/],
    [['audit', 'operator', 'op_0000000000000000'], /no history of operator op_0000000000000000 in the log/],
    [['audit', 'token', '00000000-0000-4000-8000-000000000000'], /no operator token/],
    [['audit', 'operator', 'op_x', '--as-of', 'yesterday'], /--as-of must be an ISO 8601 instant/],
  ])('refuses %j with a clear error and exit code 1', (args, message) => {
    if (args[2] === 'op_x') args[2] = operatorId;
    const run = cli(dataDir, ...args);

    expect([run.status, run.stdout]).toEqual([1, '']);
    expect(run.stderr).toMatch(message);
  });
});
