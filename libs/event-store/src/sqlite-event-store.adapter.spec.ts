import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { eventStoreContract } from './event-store.contract';
import { SqliteEventStore } from './sqlite-event-store.adapter';

eventStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oh-es-'));
  const store = new SqliteEventStore(join(dir, 'events.db'), { pollIntervalMs: 10 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite event store durability', () => {
  it('keeps appended events across a close and reopen of the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oh-es-'));
    const file = join(dir, 'events.db');
    const first = new SqliteEventStore(file);
    await first.append('s-1', [{ id: randomUUID(), type: 'A', data: { n: 1 }, metadata: {} }], 'no_stream');
    await first.close();
    const second = new SqliteEventStore(file);
    expect((await second.readStream('s-1')).map((e) => e.data)).toEqual([{ n: 1 }]);
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an event id reused for other content, and stores nothing of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oh-es-'));
    const store = new SqliteEventStore(join(dir, 'events.db'));
    const first = { id: randomUUID(), type: 'A', data: { n: 1 }, metadata: {} };
    await store.append('s-1', [first], 'no_stream');
    await expect(store.append('s-1', [{ ...first, data: { n: 2 } }], 0n)).rejects.toThrow(/expected revision/);
    await expect(store.append('s-2', [first], 'no_stream')).rejects.toThrow(/expected revision/);
    expect((await store.readStream('s-1')).map((e) => e.data)).toEqual([{ n: 1 }]);
    expect(await store.readStream('s-2')).toEqual([]);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serialises appends from two connections to the same file (as the CLI and the server do)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oh-es-'));
    const file = join(dir, 'events.db');
    const a = new SqliteEventStore(file);
    const b = new SqliteEventStore(file);
    await a.append('s-1', [{ id: randomUUID(), type: 'A', data: {}, metadata: {} }], 'no_stream');
    await expect(
      b.append('s-1', [{ id: randomUUID(), type: 'B', data: {}, metadata: {} }], 'no_stream'),
    ).rejects.toThrow(/expected revision no_stream/);
    await b.append('s-1', [{ id: randomUUID(), type: 'B', data: {}, metadata: {} }], 0n);
    expect((await a.readStream('s-1')).map((e) => e.type)).toEqual(['A', 'B']);
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a stream, whole or from a revision, and its last revision, as a range of the (stream, revision) index: no scan, no sort', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oh-es-'));
    const file = join(dir, 'events.db');
    const prepare = jest.spyOn(Database.prototype, 'prepare');
    const store = new SqliteEventStore(file);
    const reads = prepare.mock.calls.map(([sql]) => sql).filter((sql) => /FROM events WHERE stream = \?/.test(sql));
    prepare.mockRestore();
    const db = new Database(file, { readonly: true });
    try {
      expect(reads).toHaveLength(2);
      const range = reads.find((sql) => sql.includes('revision >= ?'))!;
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${range}`).all('x', 3n) as { detail: string }[]).map(({ detail }) => detail);
      expect(plan).toEqual([expect.stringMatching(/^SEARCH events USING INDEX \w+ \(stream=\? AND revision>\?\)$/)]);
      // The stream's last revision (an append's expected one): the end of the same range, one step.
      const last = reads.find((sql) => sql.includes('MAX(revision)'))!;
      const lastPlan = (db.prepare(`EXPLAIN QUERY PLAN ${last}`).all('x') as { detail: string }[]).map(({ detail }) => detail);
      expect(lastPlan).toEqual([expect.stringMatching(/^SEARCH events USING (COVERING )?INDEX \w+ \(stream=\?\)$/)]);
    } finally {
      db.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
