import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { readStoreContract } from './read-store.contract';
import { SqliteReadStore } from './sqlite-read-store.adapter';

readStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oh-rs-'));
  const store = new SqliteReadStore(join(dir, 'read.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteReadStore file layout', () => {
  it('empties a read.db of an earlier layout at open, checkpoint included, so that the projector rebuilds it from the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oh-rs-'));
    try {
      const file = join(dir, 'read.db');
      const old = new Database(file);
      old.exec(`CREATE TABLE documents (collection TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (collection, id)) WITHOUT ROWID;
        CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position TEXT NOT NULL) WITHOUT ROWID;
        INSERT INTO documents VALUES ('operators', 'op_1', '{"id":"op_1"}');
        INSERT INTO checkpoints VALUES ('main', '7/7');`);
      old.close();
      const store = new SqliteReadStore(file);
      expect(await store.getCheckpoint('main')).toBeNull();
      expect(await store.get('operators', 'op_1')).toBeNull();
      await store.commit('main', null, '8/8', [{ kind: 'put', collection: 'operators', document: { id: 'op_2' } }]);
      await store.close();
      const reopened = new SqliteReadStore(file); // the current layout is kept as it is
      expect(await reopened.getCheckpoint('main')).toBe('8/8');
      expect(await reopened.get('operators', 'op_2')).toEqual({ id: 'op_2' });
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SqliteReadStore shadow swap', () => {
  it('is seen by another connection all at once: every read model and the checkpoint old, or all new', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oh-rs-'));
    const file = join(dir, 'read.db');
    const store = new SqliteReadStore(file);
    const reader = new Database(file, { readonly: true });
    try {
      const documents = (collection: string, count: number) =>
        Array.from({ length: count }, (_, i) => ({ kind: 'put' as const, collection, document: { id: `d${i}`, pad: 'x'.repeat(200) } }));
      await store.commit('main', null, '3', [...documents('alpha', 1), ...documents('beta', 1)]);
      await store.commit('main__shadow', null, '9', [...documents('shadow__alpha', 20_000), ...documents('shadow__beta', 20_000)]);
      const count = reader.prepare<[string], { n: number }>('SELECT count(*) AS n FROM documents WHERE collection = ?');
      const position = reader.prepare<[string], { position: string }>('SELECT position FROM checkpoints WHERE name = ?');
      // One read transaction: one snapshot of the file for the three reads.
      const observe = reader.transaction(() => `${count.get('alpha')!.n}/${count.get('beta')!.n}@${position.get('main')?.position}`);

      let done = false;
      const swapped = store
        .swapShadow({
          checkpoints: [{ live: 'main', shadow: 'main__shadow' }],
          collections: [
            { live: 'alpha', shadow: 'shadow__alpha' },
            { live: 'beta', shadow: 'shadow__beta' },
          ],
        })
        .finally(() => (done = true));
      const seen = new Set<string>();
      while (!done) {
        seen.add(observe());
        await nextTurn();
      }
      await swapped;
      seen.add(observe());
      expect([...seen].filter((state) => state !== '1/1@3' && state !== '20000/20000@9')).toEqual([]);
      expect(seen.has('20000/20000@9')).toBe(true);
    } finally {
      reader.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
