import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { allProjections } from '@onehazel/projections';
import { assertBuiltFrom } from '../../../tools/test/fresh-build';
import { call, operatorInput, startTestApp } from '../../api/test/harness';

const root = resolve(__dirname, '../../..');
const cliMain = join(root, 'dist/apps/cli/src/main.js');

const cli = (dataDir: string, ...args: string[]) => spawnSync(process.execPath, [cliMain, ...args], { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8', timeout: 20_000 });

describe('npm run cli -- projections list', () => {
  let dataDir: string;

  beforeAll(() => {
    assertBuiltFrom(cliMain);
    dataDir = mkdtempSync(join(tmpdir(), 'oh-cli-projections-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists every projection live when caught up, and behind, with its lag, while no projector runs', async () => {
    const live = await startTestApp({}, dataDir);
    const platformKey = (await live.registerPlatform()).key;
    await call(live.url, 'POST', '/platform-api/operators', { key: platformKey, body: operatorInput() });
    await live.close();

    const caughtUp = cli(dataDir, 'projections', 'list', '--json');
    expect(caughtUp.status).toBe(0);
    const rows = caughtUp.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(rows.map((row) => row.name)).toEqual(allProjections.map((projection) => projection.name));
    expect(rows.every((row) => row.state === 'live' && row.lagEvents === 0 && /^\d+\/\d+$/.test(row.checkpoint))).toBe(true);

    // No projector here (PROJECTOR=external): the commands are recorded, not projected.
    const stalled = await startTestApp({ PROJECTOR: 'external', CONSISTENCY_TIMEOUT_MS: '50' }, dataDir);
    for (let i = 0; i < 3; i++) expect((await call(stalled.url, 'POST', '/platform-api/operators', { key: platformKey, body: operatorInput() })).status).toBe(503);
    await stalled.close();

    const behind = cli(dataDir, 'projections', 'list', '--json');
    const lagging = behind.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lagging[0]).toMatchObject({ state: 'behind', lagEvents: 3, lagSeconds: expect.any(Number) });
    const table = cli(dataDir, 'projections', 'list');
    expect(table.stdout.split('\n')[0]).toMatch(/^projection +checkpoint +lag \(events\) +lag \(s\) +state$/);
    expect(table.stdout).toMatch(/operators +\d+\/\d+ +3 +\d+\.\d +behind/);
  });

  it('rebuilds with progress as plain lines when stderr is not a terminal, the replay’s figures, then the hold and each swap', () => {
    const rebuilt = cli(dataDir, 'projections', 'rebuild', '--all');

    expect(rebuilt.status).toBe(0);
    const names = allProjections.map((projection) => projection.name);
    expect(rebuilt.stdout.trim()).toBe(`Rebuilt from the log and live: ${names.join(', ')}`);
    const lines = rebuilt.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^rebuilding: 0\/\d+$/);
    const replayed = lines.findIndex((line) => line.startsWith('rebuilt: '));
    expect(lines[replayed]).toMatch(/^rebuilt: (\d+)\/\1 \(100%\), [\d,]+\/s, ETA 0 s in \d+\.\d s$/);
    expect(lines[replayed + 1]).toBe(`caught up; holding ${names.join(', ')} while the last writes are caught up and the rebuilt read models swapped in`);
    const live = lines.slice(replayed + 2);
    expect(live.map((line) => line.replace(/\(held \d+ ms\)$/, '(held)')).sort()).toEqual(names.map((name) => `live: ${name} (held)`).sort());
    const after = cli(dataDir, 'projections', 'list', '--json').stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(after.every((row: { state: string }) => row.state === 'live')).toBe(true);
  });

  it('rebuilds one projection by name, leaving the others’ checkpoints where they were', () => {
    const before = new Map<string, string>(
      cli(dataDir, 'projections', 'list', '--json').stdout.trim().split('\n').map((line) => JSON.parse(line)).map((row) => [row.name, row.checkpoint]),
    );

    const rebuilt = cli(dataDir, 'projections', 'rebuild', 'operators', '--quiet');

    expect([rebuilt.status, rebuilt.stdout.trim(), rebuilt.stderr]).toEqual([0, 'Rebuilt from the log and live: operators, api-keys', '']); // api-keys reads operators: rebuilt with it
    const after = cli(dataDir, 'projections', 'list', '--json').stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(after.every((row: { state: string; checkpoint: string }) => row.state === 'live' && row.checkpoint === before.get((row as unknown as { name: string }).name))).toBe(true);
  });

  it.each([
    [['projections', 'rebuild'], 'name the projections to rebuild, or give --all (npm run cli -- projections list names them)'],
    [['projections', 'rebuild', 'operators', '--all'], 'name the projections to rebuild, or give --all (npm run cli -- projections list names them)'],
    [['projections', 'rebuild', '__proto__'], `no projection __proto__; there are: ${allProjections.map((projection) => projection.name).join(', ')}`],
  ])('refuses %j with a clear error and exit code 1, changing nothing', (args, message) => {
    const refused = cli(dataDir, ...args);

    expect([refused.status, refused.stderr.trim()]).toEqual([1, `error: ${message}`]);
    const after = cli(dataDir, 'projections', 'list', '--json').stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(after.every((row: { state: string }) => row.state === 'live')).toBe(true);
  });
});
