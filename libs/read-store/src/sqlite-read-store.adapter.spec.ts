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
