import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import Database from 'better-sqlite3';
import { allProjections } from '@onehazel/projections';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertFreshBuild, call, operatorInput, startServer, waitFor } from './harness';

const root = resolve(__dirname, '../../..');
const cliMain = join(root, 'dist/apps/cli/src/main.js');
const SLOW = resolve(__dirname, 'fixtures/slow-appends.js');


/** Whether a new TCP connection to the server's port is accepted. */
const accepts = (url: string): Promise<boolean> =>
  new Promise((resolveAccepts) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolveAccepts(true);
    });
    socket.once('error', () => resolveAccepts(false));
  });

describe('graceful shutdown of the built API', () => {
  let dataDir: string;

  beforeAll(() => {
    assertFreshBuild();
    dataDir = mkdtempSync(join(tmpdir(), 'oh-shutdown-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('on SIGTERM refuses new connections, answers the request in flight, keeps what it wrote, and exits 0', async () => {
    const created = spawnSync(process.execPath, [cliMain, 'platform', 'create', '--name', 'Shutdown', '--json'], { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' });
    const platformKey = (JSON.parse(created.stdout) as { key: string }).key;
    const server = await startServer(dataDir, { NODE_OPTIONS: `--require ${SLOW}` });
    const operator = await call(server.url, 'POST', '/platform-api/operators', { key: platformKey, body: operatorInput() });
    const operatorId = operator.body.data.id as string;

    const inFlight = call(server.url, 'POST', `/platform-api/operators/${operatorId}/api-keys`, { key: platformKey, body: { label: 'slow-in-flight' } });
    await waitFor(() => existsSync(join(dataDir, 'slow-held')), 'the slow append');
    const exited = server.stop('SIGTERM');
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    expect(await accepts(server.url)).toBe(false);
    writeFileSync(join(dataDir, 'slow-go'), '');

    const answered = await inFlight;
    expect(answered.status).toBe(201);
    expect(await exited).toBe(0);
    // The projector stopped after its last commit: every projection's stored checkpoint is the log's head.
    const events = new Database(join(dataDir, 'events.db'), { readonly: true });
    const reads = new Database(join(dataDir, 'read.db'), { readonly: true });
    try {
      const head = (events.prepare('SELECT MAX(position) AS head FROM events').get() as { head: number }).head;
      const checkpoints = reads.prepare("SELECT name, position FROM checkpoints WHERE name LIKE 'main/%' ORDER BY name").all() as { name: string; position: string }[];
      expect(checkpoints.map(({ name }) => name)).toEqual(allProjections.map((projection) => `main/${projection.name}`).sort());
      expect(checkpoints.every(({ position }) => position === `${head}/${head}`)).toBe(true);
    } finally {
      events.close();
      reads.close();
    }

    const again = await startServer(dataDir);
    try {
      const keys = await call(again.url, 'GET', `/platform-api/operators/${operatorId}/api-keys`, { key: platformKey });
      expect(keys.body.data.map((key: { id: string }) => key.id)).toEqual([answered.body.data.id]);
    } finally {
      await again.stop();
    }
  });
});
