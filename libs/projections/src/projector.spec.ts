import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { comparePositions, formatPosition, InMemoryEventStore, Position, SqliteEventStore } from '@onehazel/event-store';
import { CheckpointMove, checkpointPosition, Document, DocumentChange, InMemoryReadStore, ReadStore, SqliteReadStore } from '@onehazel/read-store';
import { Projection } from './projection';
import { FROM_START, Projector } from './projector';

/** A projection whose documents depend on what earlier events left: a running sum, items patched and put back. */
const tally: Projection = {
  name: 'tally',
  collections: ['tally'],
  indexes: [{ collection: 'tally', fields: ['kind'] }],
  async apply(event, writer) {
    const data = event.data as { id?: string; x?: number };
    if (event.type === 'Item') writer.put('tally', { id: data.id!, kind: 'item', flag: false, touched: false });
    if (event.type === 'Added') {
      const sum = (await writer.get<Document & { n: number }>('tally', 'sum')) ?? { id: 'sum', n: 0 };
      writer.put('tally', { ...sum, n: sum.n + data.x! });
    }
    if (event.type === 'Flagged') writer.patchWhere('tally', { kind: 'item' }, { flag: true });
    if (event.type === 'Touched') {
      const item = await writer.get('tally', data.id!);
      if (item) writer.put('tally', { ...item, touched: true });
    }
  },
};

/** Opens a gate per batch's commit: the read store's commit k waits until `open(k)` (the first start's, with no change, is not gated). */
function gatedCommits(store: ReadStore) {
  const gates = new Map<number, () => void>();
  const opened = new Set<number>();
  let commits = 0;
  const commitAll = store.commitAll.bind(store);
  store.commitAll = async (moves: readonly CheckpointMove[], changes: readonly DocumentChange[]) => {
    if (changes.length === 0) return commitAll(moves, changes);
    const k = ++commits;
    if (!opened.has(k)) await new Promise<void>((resolve) => gates.set(k, resolve));
    return commitAll(moves, changes);
  };
  return {
    open(k: number) {
      opened.add(k);
      gates.get(k)?.();
    },
  };
}

describe('Projector pipeline', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'oh-pipeline-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stages a batch while the one before it is still committing, reading that one’s documents and patches', async () => {
    const events = new SqliteEventStore(join(dir, 'events.db'));
    const read = new SqliteReadStore(join(dir, 'read.db'));
    const log: [string, Record<string, unknown>][] = [
      ['Item', { id: 'i1' }],
      ['Added', { x: 1 }],
      ['Added', { x: 2 }], // reads the sum of the batch in flight
      ['Flagged', {}],
      ['Touched', { id: 'i1' }], // reads i1 from the store, under the patch of the batch in flight
    ];
    for (const [type, data] of log) await events.append('tally-1', [{ id: randomUUID(), type, data, metadata: {} }], 'any');

    const gates = gatedCommits(read);
    gates.open(log.length); // the last commit has no batch after it to wait for
    const staged: number[] = [];
    // Batch k+1 is staged while commit k waits at its gate: only then is the gate opened. A projector that
    // waited for each commit before staging the next batch would never get here (and the test times out).
    const projector = new Projector(events, read, [tally], {
      batchSize: 1,
      beforeCommit: () => {
        staged.push(staged.length + 1);
        if (staged.length > 1) gates.open(staged.length - 1);
      },
    });
    await projector.catchUp();

    expect(staged).toEqual([1, 2, 3, 4, 5]);
    expect(await read.get('tally', 'sum')).toEqual({ id: 'sum', n: 3 });
    expect(await read.get('tally', 'i1')).toEqual({ id: 'i1', kind: 'item', flag: true, touched: true });
    await read.close();
    await events.close();
  });
});

/** Counts the events it is given, in a document of its own collection. */
const counting = (name: string): Projection => ({
  name,
  collections: [`count_${name}`],
  indexes: [],
  async apply(_event, writer) {
    const count = (await writer.get<Document & { n: number }>(`count_${name}`, 'n')) ?? { id: 'n', n: 0 };
    writer.put(`count_${name}`, { ...count, n: count.n + 1 });
  },
});

describe('Projector: a checkpoint per projection', () => {
  let events: InMemoryEventStore;
  let read: InMemoryReadStore;
  const counted = async (name: string) => ((await read.get(`count_${name}`, 'n')) as { n: number } | null)?.n ?? 0;
  const at = (position: Position) => formatPosition(position);

  beforeEach(async () => {
    events = new InMemoryEventStore();
    read = new InMemoryReadStore();
    for (let i = 0; i < 4; i++) await events.append(`s-${i}`, [{ id: randomUUID(), type: 'Happened', data: {}, metadata: {} }], 'no_stream');
  });

  it('starts every projection live from the log’s beginning on a store where none has a checkpoint', async () => {
    const projector = new Projector(events, read, [counting('a'), counting('b')]);
    await projector.catchUp();

    expect([await counted('a'), await counted('b')]).toEqual([4, 4]);
    const head = at((await events.headPosition())!);
    expect(Object.fromEntries(await read.getCheckpoints(['main/a', 'main/b']))).toEqual({ 'main/a': head, 'main/b': head });
  });

  it('applies an event only to the projections whose checkpoint is before it, from the earliest', async () => {
    const second = (await events.readStream('s-1'))[0]!.position;
    await read.commitAll([{ name: 'main/a', expected: null, next: FROM_START }, { name: 'main/b', expected: null, next: at(second) }], []);

    await new Projector(events, read, [counting('a'), counting('b')]).catchUp();

    expect([await counted('a'), await counted('b')]).toEqual([4, 2]);
  });

  it('on a store of one shared checkpoint, goes on from it; a projection its record of built ones leaves out stays unbuilt, and is not waited for', async () => {
    const second = (await events.readStream('s-1'))[0]!.position;
    await read.commitAll([{ name: 'main', expected: null, next: at(second) }, { name: 'main#projections', expected: null, next: 'a' }], []);
    const projector = new Projector(events, read, [counting('a'), counting('b')]);

    await projector.catchUp();

    expect([await counted('a'), await counted('b')]).toEqual([2, 0]);
    expect((await projector.checkpoints()).map((mark) => mark.state)).toEqual(['live', 'unbuilt']);
    expect(await projector.storedCheckpoint()).toEqual(await events.headPosition());
  });

  it('leaves a held projection alone, and what the read models show stays at its hold until it is given back', async () => {
    const projector = new Projector(events, read, [counting('a'), counting('b')]);
    await projector.catchUp();
    const held = await read.holdCheckpoint('main/b', 'a-rebuild', Date.now() + 60_000);
    const appended = await events.append('s-9', [{ id: randomUUID(), type: 'Happened', data: {}, metadata: {} }], 'no_stream');

    await projector.catchUp();

    expect([await counted('a'), await counted('b')]).toEqual([5, 4]);
    expect(comparePositions((await projector.storedCheckpoint())!, appended.position)).toBeLessThan(0);
    await read.commitAll([{ name: 'main/b', expected: held, next: checkpointPosition(held!) }], []);
    await projector.catchUp();
    expect([await counted('a'), await counted('b')]).toEqual([5, 5]);
    expect(await projector.storedCheckpoint()).toEqual(appended.position);
  });
});

describe('Projector and a rebuild that died holding a projection', () => {
  it('takes the projection back once the hold lapses, with no new event to wake it', async () => {
    const events = new InMemoryEventStore();
    const read = new InMemoryReadStore();
    const copy = (name: string): Projection => ({
      name,
      collections: [name],
      indexes: [],
      apply: async (event, writer) => writer.put(name, { id: event.id }),
    });
    const projector = new Projector(events, read, [copy('a'), copy('b')], { retryDelayMs: 10 });
    await events.append('s', [{ id: randomUUID(), type: 'E', data: {}, metadata: {} }], 'any');
    await projector.catchUp();
    // A rebuild holds b, a command is recorded (the live projector applies it to a only), and the rebuild dies.
    await read.holdCheckpoint('main/b', 'a-dead-rebuild', Date.now() + 100);
    const written = await events.append('s', [{ id: randomUUID(), type: 'E', data: {}, metadata: {} }], 'any');
    projector.start();
    try {
      // The acknowledgement's wait: until the read models show the write (no other event comes).
      const shown = new Promise<Position>((resolve) => {
        const stop = projector.onCommitted((position) => {
          if (comparePositions(position, written.position) >= 0) {
            stop();
            resolve(position);
          }
        });
      });
      const deadline = new Promise<'still held'>((resolve) => setTimeout(() => resolve('still held'), 3_000).unref());
      expect(await Promise.race([shown.then(() => 'shown'), deadline])).toBe('shown');
      expect(await read.find('b', { limit: 10 })).toHaveLength(2);
    } finally {
      await projector.stop();
    }
  });
});
