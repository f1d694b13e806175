import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertBuiltFrom } from '../../../tools/test/fresh-build';
import { call, igamingOperator, operatorInput, startTestApp } from './harness';
import { player } from './fleet';
import { freshReplayOf, readModels } from './fixtures/read-models';

const root = resolve(__dirname, '../../..');
const cliMain = join(root, 'dist/apps/cli/src/main.js');


describe('projections rebuild while the API serves', () => {
  let dataDir: string;

  beforeAll(() => {
    assertBuiltFrom(cliMain);
    dataDir = mkdtempSync(join(tmpdir(), 'oh-rebuild-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('replays into the shadow and swaps it in: every read meanwhile sees the whole read model, no write is lost, and the result equals a fresh replay', async () => {
    const t = await startTestApp({ RATE_LIMIT_PLATFORM: '1000000', RATE_LIMIT_STARTER: '1000000', RATE_LIMIT_PROFESSIONAL: '1000000', RATE_LIMIT_ENTERPRISE: '1000000' }, dataDir);
    const known: string[] = [];
    try {
      const { key } = await t.registerPlatform();
      for (let i = 0; i < 150; i++) known.push((await call(t.url, 'POST', '/platform-api/operators', { key, body: operatorInput({ name: `Op ${i}` }) })).body.data.id);
      // Entities with personal data, some erased before the rebuild and some while it runs: the rebuilt read
      // models must show the erased ones as erased, as the live ones did.
      const operator = await igamingOperator(t, key);
      const upsert = (externalId: string) => call(t.url, 'POST', '/operator-data-api/entities', { key: operator.key, body: player(externalId) });
      const erase = (externalId: string) => call(t.url, 'DELETE', `/operator-data-api/entities/${externalId}`, { key: operator.key });
      for (let i = 0; i < 12; i++) expect((await upsert(`before_${i}`)).status).toBe(201);
      for (let i = 0; i < 12; i += 3) expect((await erase(`before_${i}`)).status).toBe(200);

      let stop = false;
      const failures: string[] = [];
      let reads = 0;
      const writer = async () => {
        while (!stop) {
          const created = await call(t.url, 'POST', '/platform-api/operators', { key, body: operatorInput({ name: 'During the rebuild' }) });
          if (created.status !== 201) failures.push(`write: ${created.status}`);
          else known.push(created.body.data.id);
        }
      };
      const reader = async () => {
        while (!stop) {
          const id = known[Math.floor(Math.random() * known.length)]!;
          const [one, first] = await Promise.all([
            call(t.url, 'GET', `/platform-api/operators/${id}`, { key }),
            call(t.url, 'GET', '/platform-api/operators?limit=100', { key }),
          ]);
          reads++;
          if (one.status !== 200) failures.push(`read of ${id}: ${one.status}`);
          if (first.body.data?.length !== 100) failures.push(`first page: ${first.body.data?.length} operators`);
        }
      };
      let entities = 0;
      const entityWriter = async () => {
        for (let i = 0; !stop; i++) {
          const externalId = `during_${i}`;
          const created = await upsert(externalId);
          if (created.status !== 201) failures.push(`upsert: ${created.status}`);
          if (i % 3 === 0 && (await erase(externalId)).status !== 200) failures.push(`erase of ${externalId}`);
          entities++;
        }
      };
      const load = [writer(), entityWriter(), reader(), reader()];
      const rebuild = spawn(process.execPath, [cliMain, 'projections', 'rebuild', '--all'], { env: { ...process.env, DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      rebuild.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((done) => rebuild.once('exit', done));
      stop = true;
      await Promise.all(load);

      expect([code, stderr]).toEqual([0, expect.stringMatching(/rebuilt: /)]);
      expect(failures).toEqual([]);
      expect(reads).toBeGreaterThan(5);
      expect(entities).toBeGreaterThan(2);
      expect((await call(t.url, 'GET', '/operator-data-api/entities/before_3', { key: operator.key })).status).toBe(404);
      expect((await call(t.url, 'GET', '/operator-data-api/entities/before_4', { key: operator.key })).body.data.data.first_name).toBe('Ada');
      await t.app.runtime.projector.catchUp();
      const listed = await call(t.url, 'GET', `/platform-api/operators/${known[known.length - 1]}`, { key });
      expect(listed.status).toBe(200);
    } finally {
      await t.close();
    }

    const served = readModels(join(dataDir, 'read.db'));
    expect(served.shadow).toBe(0);
    expect(served.documents).toEqual(freshReplayOf(dataDir).documents);
  });
});
