import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { assertFreshBuild, call, operatorInput, startServer, waitFor } from './harness';
import { freshReplayOf, readModels } from './fixtures/read-models';

const root = resolve(__dirname, '../../..');
const cliMain = join(root, 'dist/apps/cli/src/main.js');
const projectorMain = join(root, 'dist/apps/projector/src/main.js');
/** The lease: a standby takes over at most about this long (plus one renewal, a third of it) after its owner died. */
const LEASE_TTL_MS = 3000;

type ProjectorProcess = { child: ChildProcess; holds: boolean; heldAt: number | null };

function startProjector(dataDir: string): ProjectorProcess {
  const child = spawn(process.execPath, [projectorMain], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info', PROJECTOR_LEASE_TTL_MS: String(LEASE_TTL_MS), SQLITE_POLL_INTERVAL_MS: '10' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const state: ProjectorProcess = { child, holds: false, heldAt: null };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const entry = JSON.parse(line) as { msg?: string };
    if (entry.msg === 'projector lease held: following the log') Object.assign(state, { holds: true, heldAt: Date.now() });
    if (entry.msg === 'projector lease lost: standing by') state.holds = false;
  });
  return state;
}



describe('projector high availability: two projector processes, one lease', () => {
  let dataDir: string;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    assertFreshBuild();
    dataDir = mkdtempSync(join(tmpdir(), 'oh-failover-'));
  });
  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets one follow the log; SIGKILLed under write load, the other takes over within the lease, and the read models equal a fresh replay', async () => {
    const created = spawnSync(process.execPath, [cliMain, 'platform', 'create', '--name', 'Failover', '--json'], { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' });
    const platformKey = (JSON.parse(created.stdout) as { key: string }).key;
    const projectors = [startProjector(dataDir), startProjector(dataDir)];
    children.push(...projectors.map((projector) => projector.child));
    // The API runs no projector of its own: its commands wait for the projector processes (up to 30 s).
    const api = await startServer(dataDir, { PROJECTOR: 'external', CONSISTENCY_TIMEOUT_MS: '30000', RATE_LIMIT_PROFESSIONAL: '100000' });
    try {
      await waitFor(() => projectors.some((projector) => projector.holds), 'a lease holder');
      expect(projectors.filter((projector) => projector.holds)).toHaveLength(1);

      const operator = await call(api.url, 'POST', '/platform-api/operators', { key: platformKey, body: operatorInput() });
      const key = (await call(api.url, 'POST', `/platform-api/operators/${operator.body.data.id}/api-keys`, { key: platformKey, body: {} })).body.data.key;
      await call(api.url, 'PUT', '/operator-data-api/settings', { key, body: { template: 'igaming' } });
      const player = { entityType: 'player', externalId: 'player_1', data: { first_name: 'A', last_name: 'B', email: 'a@example.com', country: 'GB', currency: 'GBP' } };
      expect((await call(api.url, 'POST', '/operator-data-api/entities', { key, body: player })).status).toBe(201);

      // Write load: activity events, each counted in the entity's state (a double application would show).
      let written = 0;
      let stop = false;
      const writer = async () => {
        while (!stop) {
          const reply = await call(api.url, 'POST', '/operator-data-api/events', { key, body: { externalId: 'player_1', eventType: 'deposit', data: { amount: 1 } } });
          expect(reply.status).toBe(201);
          written++;
        }
      };
      const writers = [writer(), writer(), writer()];
      await waitFor(() => written >= 30, '30 writes');
      const owner = projectors.find((projector) => projector.holds)!;
      const standby = projectors.find((projector) => projector !== owner)!;
      const killedAt = Date.now();
      owner.child.kill('SIGKILL');
      await waitFor(() => standby.holds, 'the standby to take the lease over', LEASE_TTL_MS * 2 + 2000);
      const takeover = standby.heldAt! - killedAt;
      await waitFor(() => written >= 80, '50 more writes after the takeover');
      stop = true;
      await Promise.all(writers);
      process.stdout.write(`projector failover: the standby took over ${takeover} ms after the SIGKILL (lease ${LEASE_TTL_MS} ms); ${written} writes, all answered\n`);
      expect(takeover).toBeLessThan(10_000);

      const state = await call(api.url, 'GET', '/operator-data-api/entities/player_1/state', { key });
      expect(state.body.data.event_count).toBe(written);
    } finally {
      await api.stop();
      for (const projector of projectors) projector.child.kill('SIGTERM');
      await Promise.all(projectors.map((projector) => new Promise((done) => (projector.child.exitCode !== null || projector.child.signalCode !== null ? done(null) : projector.child.once('exit', done)))));
    }

    // A fresh replay of the same log, in another directory, against the read models the two projectors made.
    expect(readModels(join(dataDir, 'read.db')).documents).toEqual(freshReplayOf(dataDir).documents);
  });
});
