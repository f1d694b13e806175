import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@onehazel/event-store';
import { Document, DocumentChange, ReadStore, SqliteReadStore } from '@onehazel/read-store';
import { Projection } from './projection';
import { Projector } from './projector';

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

/** Opens a gate per commit: the read store's commit k waits until `open(k)`. */
function gatedCommits(store: ReadStore) {
  const gates = new Map<number, () => void>();
  const opened = new Set<number>();
  let commits = 0;
  const commit = store.commit.bind(store);
  store.commit = async (name: string, expected: string | null, next: string, changes: readonly DocumentChange[]) => {
    const k = ++commits;
    if (!opened.has(k)) await new Promise<void>((resolve) => gates.set(k, resolve));
    return commit(name, expected, next, changes);
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
