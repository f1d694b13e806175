import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CommandContext, operatorDecider, operatorStream, platformDecider, platformStream } from '@onehazel/domain';
import { SqliteEventStore } from '@onehazel/event-store';
import { allProjections, Projection, Projector } from '@onehazel/projections';
import { SqliteReadStore } from '@onehazel/read-store';
import { assertBuiltFrom } from '../../../tools/test/fresh-build';
import { CommandExecutor } from '@onehazel/commands';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { countingProjection } = require('./counting.projection') as { countingProjection: Projection };

const projections = [...allProjections, countingProjection];
const collections = projections.flatMap((p) => [...p.collections]);
const child = resolve(__dirname, 'crash-child.js');

const context = (n: number): CommandContext => ({
  actor: { kind: 'admin', id: 'test' },
  requestId: `req-${n}`,
  correlationId: `req-${n}`,
  causationId: `req-${n}`,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
});

/** A log of 1 platform, 20 operators, each updated and every third suspended: 1 + 40 + 7 = 48 events. */
async function seedLog(file: string): Promise<number> {
  const events = new SqliteEventStore(file);
  const executor = new CommandExecutor(events);
  let n = 0;
  await executor.execute(platformDecider, platformStream('plt_1'), { type: 'RegisterPlatform', platformId: 'plt_1', name: 'P', at: context(n).at }, context(n++));
  for (let i = 0; i < 20; i++) {
    const operatorId = `op_${String(i).padStart(16, '0')}`;
    const stream = operatorStream(operatorId);
    const profile = { name: `Op ${i}`, plan: 'starter' as const, contactEmail: `op${i}@example.com`, industry: null };
    await executor.execute(operatorDecider, stream, { type: 'CreateOperator', operatorId, platformId: 'plt_1', profile, at: context(n).at }, context(n++));
    await executor.execute(operatorDecider, stream, { type: 'UpdateOperator', operatorId, platformId: 'plt_1', changes: { plan: 'enterprise' }, at: context(n).at }, context(n++));
    if (i % 3 === 0) {
      await executor.execute(operatorDecider, stream, { type: 'SuspendOperator', operatorId, platformId: 'plt_1', at: context(n).at }, context(n++));
    }
  }
  const head = await events.headPosition();
  await events.close();
  return Number(head!.commit);
}

async function dump(file: string) {
  const read = new SqliteReadStore(file);
  const documents: Record<string, unknown[]> = {};
  for (const collection of collections) documents[collection] = await read.find(collection, { limit: 10_000 });
  const checkpoint = await read.getCheckpoint('main/counting');
  await read.close();
  return { documents, checkpoint };
}

/** Projects the whole log with `count` projectors at once; answers how often one found the checkpoint moved. */
async function project(eventsFile: string, readFile: string, count = 1): Promise<number> {
  let moved = 0;
  const logger = {
    info: (_: object, message: string) => void (message.startsWith('checkpoint moved') && moved++),
    error: () => undefined,
  };
  const events = new SqliteEventStore(eventsFile, { pollIntervalMs: 5 });
  const stores = Array.from({ length: count }, () => new SqliteReadStore(readFile));
  const projectors = stores.map((read) => new Projector(events, read, projections, { batchSize: 4, retryDelayMs: 10, logger }));
  await Promise.all(projectors.map((p) => p.init()));
  await Promise.all(projectors.map((p) => p.catchUp()));
  await Promise.all(stores.map((s) => s.close()));
  await events.close();
  return moved;
}

describe('projector recovery', () => {
  let dir: string;
  let eventsFile: string;
  let total: number;
  let clean: Awaited<ReturnType<typeof dump>>;

  beforeAll(async () => {
    // It runs the compiled projector in a child process: never a stale one.
    assertBuiltFrom(resolve(__dirname, '../../../dist/libs/projections/src/index.js'));
    dir = mkdtempSync(join(tmpdir(), 'oh-projector-'));
    eventsFile = join(dir, 'events.db');
    total = await seedLog(eventsFile);
    await project(eventsFile, join(dir, 'clean.db'));
    clean = await dump(join(dir, 'clean.db'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a clean replay projects every event exactly once', () => {
    expect(total).toBe(48);
    expect(clean.documents.test_counts).toEqual([{ id: 'all', n: 48, last: expect.any(String) }]);
    expect(clean.documents.operators).toHaveLength(20);
    expect(clean.documents.operators!.filter((o) => (o as { status: string }).status === 'suspended')).toHaveLength(7);
  });

  it.each([1, 3, 9])(
    'a projector SIGKILLed inside commit %i (read-model writes done, checkpoint not) resumes to a read model identical to a clean replay',
    async (killAt) => {
      const readFile = join(dir, `crashed-${killAt}.db`);
      const run = spawnSync(process.execPath, [child, eventsFile, readFile, String(killAt), '4'], { encoding: 'utf8' });
      expect(run.signal).toBe('SIGKILL');
      const afterCrash = await dump(readFile);
      const committed = afterCrash.documents.test_counts?.[0] as { n: number } | undefined;
      expect(committed?.n ?? 0).toBe((killAt - 1) * 4);
      await project(eventsFile, readFile);
      expect(await dump(readFile)).toEqual(clean);
    },
  );

  it('two projectors on the same stores at once (server and CLI) neither lose nor double an event', async () => {
    const readFile = join(dir, 'concurrent.db');
    const conflicts = await project(eventsFile, readFile, 2);
    expect(conflicts).toBeGreaterThan(0);
    expect(await dump(readFile)).toEqual(clean);
  });

  it('a rebuild from the log gives the same read model again', async () => {
    const readFile = join(dir, 'rebuilt.db');
    await project(eventsFile, readFile);
    const events = new SqliteEventStore(eventsFile);
    const read = new SqliteReadStore(readFile);
    const projector = new Projector(events, read, projections);
    const seen: number[] = [];
    await projector.rebuild((position) => seen.push(Number(position.commit)));
    await read.close();
    await events.close();
    expect(seen[seen.length - 1]).toBe(total);
    expect(await dump(readFile)).toEqual(clean);
  });
});
