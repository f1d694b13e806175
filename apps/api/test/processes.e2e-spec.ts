import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertFreshBuild, call, operatorInput, startServer } from './harness';

const root = resolve(__dirname, '../../..');
const cliMain = join(root, 'dist/apps/cli/src/main.js');
const projectorMain = join(root, 'dist/apps/projector/src/main.js');

function cli(dataDir: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [cliMain, ...args], {
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the built processes: npm start and npm run cli on one DATA_DIR', () => {
  let dataDir: string;

  beforeAll(() => {
    assertFreshBuild();
    dataDir = mkdtempSync(join(tmpdir(), 'oh-process-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('accepts a key the CLI prints while the server runs, on the very next request', async () => {
    const server = await startServer(dataDir);
    try {
      const created = cli(dataDir, 'platform', 'create', '--name', 'Live Platform', '--json');
      expect(created.status).toBe(0);
      const printed = JSON.parse(created.stdout) as { id: string; key: string };
      expect(Object.keys(printed).sort()).toEqual(['id', 'key']);
      expect(created.stdout.trim().split('\n')).toHaveLength(1);
      const listed = await call(server.url, 'GET', '/platform-api/operators', { key: printed.key });
      expect(listed.status).toBe(200);

      const second = cli(dataDir, 'platform', 'keys', 'create', '--platform', printed.id, '--json');
      const issued = JSON.parse(second.stdout) as { keyId: string; key: string };
      expect((await call(server.url, 'GET', '/platform-api/operators', { key: issued.key })).status).toBe(200);
      expect(cli(dataDir, 'platform', 'keys', 'revoke', '--platform', printed.id, '--key', issued.keyId).status).toBe(0);
      expect((await call(server.url, 'GET', '/platform-api/operators', { key: issued.key })).status).toBe(401);
    } finally {
      await server.stop();
    }
  });

  it('keeps every operator across a restart, and across a kill -9', async () => {
    const { key } = JSON.parse(cli(dataDir, 'platform', 'create', '--name', 'Durable', '--json').stdout) as { key: string };
    let server = await startServer(dataDir);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await call(server.url, 'POST', '/platform-api/operators', { key, body: operatorInput({ name: `Durable ${i}` }) })).body.data.id);
    }
    expect(await server.stop('SIGTERM')).toBe(0);
    server = await startServer(dataDir);
    const afterRestart = await call(server.url, 'GET', '/platform-api/operators', { key });
    expect(afterRestart.body.data.map((o: { id: string }) => o.id)).toEqual(ids);
    const suspended = await call(server.url, 'DELETE', `/platform-api/operators/${ids[0]}`, { key });
    expect(suspended.status).toBe(200);
    await server.stop('SIGKILL');
    server = await startServer(dataDir);
    try {
      const afterKill = await call(server.url, 'GET', '/platform-api/operators', { key });
      expect(afterKill.body.data.map((o: { id: string; status: string }) => [o.id, o.status])).toEqual([
        [ids[0], 'suspended'],
        [ids[1], 'active'],
        [ids[2], 'active'],
      ]);
    } finally {
      await server.stop();
    }
  });

  it('answers every acknowledged write after a crash in which the read models lost their unsynced commits', async () => {
    // read.db is synchronous=NORMAL (derived data): a power loss may take its last commits, never the log's.
    // Simulated here by a kill -9 and then the loss of read.db's WAL, where those commits are.
    const dir = mkdtempSync(join(tmpdir(), 'oh-process-'));
    try {
      const { key: platformKey } = JSON.parse(cli(dir, 'platform', 'create', '--name', 'Power cut', '--json').stdout) as { key: string };
      let server = await startServer(dir);
      const operator = (await call(server.url, 'POST', '/platform-api/operators', { key: platformKey, body: operatorInput() })).body.data.id;
      const key = (await call(server.url, 'POST', `/platform-api/operators/${operator}/api-keys`, { key: platformKey, body: {} })).body.data.key;
      await call(server.url, 'PUT', '/operator-data-api/settings', { key, body: { template: 'igaming' } });
      const externalIds = Array.from({ length: 40 }, (_, i) => `cut_${i}`);
      const answers = await Promise.all(
        externalIds.map((externalId) =>
          call(server.url, 'POST', '/operator-data-api/entities', {
            key,
            body: { entityType: 'player', externalId, data: { first_name: 'P', last_name: 'C', email: `${externalId}@example.com`, country: 'GB', currency: 'GBP' } },
          }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(externalIds.map(() => 201));
      await server.stop('SIGKILL');
      rmSync(join(dir, 'read.db-wal'));
      rmSync(join(dir, 'read.db-shm'), { force: true });
      const survivors = new Database(join(dir, 'read.db'), { readonly: true });
      const left = survivors.prepare(`SELECT count(*) AS n FROM documents WHERE collection = 'entities'`).get() as { n: number };
      survivors.close();
      expect(left.n).toBeLessThan(externalIds.length); // the read models really lost acknowledged writes

      server = await startServer(dir);
      try {
        const reads = await Promise.all(externalIds.map((externalId) => call(server.url, 'GET', `/operator-data-api/entities/${externalId}`, { key })));
        expect(reads.map((read) => [read.status, read.body.data?.data?.email])).toEqual(externalIds.map((id) => [200, `${id}@example.com`]));
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('works without a server: the CLI registers a platform the server then accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oh-process-'));
    try {
      const human = cli(dir, 'platform', 'create', '--name', 'Offline');
      expect(human.status).toBe(0);
      const key = /Key \(shown once, store it now\): (oh_platform_[0-9a-f]{64})/.exec(human.stdout)?.[1];
      expect(key).toBeDefined();
      const server = await startServer(dir);
      try {
        expect((await call(server.url, 'GET', '/platform-api/operators', { key })).status).toBe(200);
      } finally {
        await server.stop();
      }
      const listed = cli(dir, 'platform', 'list', '--json');
      expect(JSON.parse(listed.stdout)).toEqual([
        expect.objectContaining({ name: 'Offline', keys: [expect.objectContaining({ revoked: false })] }),
      ]);
      expect(listed.stdout).not.toContain(key);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves read-your-writes with the projector as its own process (PROJECTOR=external)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oh-process-'));
    const projector = spawn(process.execPath, [projectorMain], { env: { ...process.env, DATA_DIR: dir }, stdio: 'ignore' });
    const server = await startServer(dir, { PROJECTOR: 'external', CONSISTENCY_TIMEOUT_MS: '10000' });
    try {
      const { key } = JSON.parse(cli(dir, 'platform', 'create', '--name', 'External', '--json').stdout) as { key: string };
      const created = await call(server.url, 'POST', '/platform-api/operators', { key, body: operatorInput() });
      expect(created.status).toBe(201);
      const read = await call(server.url, 'GET', `/platform-api/operators/${created.body.data.id}`, { key });
      expect(read.body.data.status).toBe('active');
    } finally {
      projector.kill('SIGKILL');
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains a CLI mistake and exits non-zero', () => {
    const missing = cli(dataDir, 'platform', 'create');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("required option '--name <name>' not specified");
    const unknown = cli(dataDir, 'platform', 'keys', 'revoke', '--platform', 'plt_nope', '--key', 'pk_nope');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('PLATFORM_NOT_FOUND');
  });
});
