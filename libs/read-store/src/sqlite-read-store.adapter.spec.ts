import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
