import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { keyStoreContract } from './key-store.contract';
import { WrappedDataKey } from './key-store.port';
import { SqliteKeyStore } from './sqlite-key-store.adapter';

keyStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oh-ks-'));
  const store = new SqliteKeyStore(join(dir, 'keys.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteKeyStore files', () => {
  let dir: string;
  let file: string;
  const open: SqliteKeyStore[] = [];
  const openStore = () => {
    const store = new SqliteKeyStore(file);
    open.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oh-ks-'));
    file = join(dir, 'keys.db');
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A key whose key id and wrapped bytes carry a distinctive tag, easy to look for in raw bytes. The
   * wrapped value repeats `SHRED-ME-<tag>`, so that a fragment of it on any page (a long value spreads
   * over overflow pages) still holds the whole marker.
   */
  const marked = (entityId: string, wrappedLength = 86) => {
    const tag = randomBytes(8).toString('hex').toUpperCase();
    const wrappedMarker = `SHRED-ME-${tag}`;
    const key: WrappedDataKey = {
      operatorId: 'op_files',
      entityId,
      keyId: `KEYID-${tag}`,
      version: 1,
      masterKeyId: 'mk_1',
      wrapped: `${wrappedMarker}.`.repeat(Math.ceil(wrappedLength / (wrappedMarker.length + 1))).slice(0, wrappedLength),
      createdAt: '2026-03-01T12:00:00.000Z',
    };
    return { key, markers: [key.keyId, wrappedMarker] };
  };

  /** Which of the markers occur in the raw bytes of any file in the directory (keys.db, -wal, -shm). */
  const foundInFiles = (...markers: string[]): string[] => {
    const files = readdirSync(dir).map((name) => readFileSync(join(dir, name)));
    return markers.filter((marker) => files.some((bytes) => bytes.includes(Buffer.from(marker, 'utf8'))));
  };

  it('keeps a key across close and reopen', async () => {
    const { key } = marked('ent_1');
    const first = openStore();
    await first.create(key);
    await first.close();
    const second = openStore();
    expect(await second.get('op_files', 'ent_1')).toEqual(key);
  });

  it('answers the first key to a second connection creating one for the same entity', async () => {
    const a = openStore();
    const b = openStore();
    const { key: first } = marked('ent_1');
    expect(await a.create(first)).toEqual(first);
    expect(await b.create(marked('ent_1').key)).toEqual(first);
    expect(await a.get('op_files', 'ent_1')).toEqual(first);
  });

  it.each([
    ['reopened, so the key is in the main file', true, 86],
    ['still open, so the key is only in the WAL', false, 86],
    ['reopened, with a key long enough for overflow pages', true, 20_000],
    ['still open, with a key long enough for overflow pages', false, 20_000],
  ])('leaves no byte of a destroyed key in any file (%s)', async (_case, reopen, wrappedLength) => {
    const gone = marked('ent_gone', wrappedLength);
    const kept = marked('ent_kept');
    let store = openStore();
    await store.create(marked('ent_a').key);
    await store.create(gone.key);
    await store.create(kept.key);
    // The old wrapping of a re-wrapped key must go too.
    await store.rewrap(gone.key, 'mk_2', gone.key.wrapped.toLowerCase());
    const rewrapped = gone.markers[1]!.toLowerCase();
    if (reopen) {
      // Closing checkpoints the WAL into the main file and deletes the WAL.
      await store.close();
      store = openStore();
    }
    // The markers are on disk before the destroy, and the kept key's stay after it: the search sees real bytes.
    const [goneKeyId, goneWrapped] = gone.markers as [string, string];
    expect(foundInFiles(goneKeyId, rewrapped, ...kept.markers)).toEqual([goneKeyId, rewrapped, ...kept.markers]);
    // The old wrapping is still in the WAL's earlier frames; in the main file, the re-wrap already zeroed it.
    expect(foundInFiles(goneWrapped)).toEqual(reopen ? [] : [goneWrapped]);

    expect(await store.destroy('op_files', 'ent_gone')).toBe(true);

    // Read while the store is still open: closing would checkpoint and hide a destroy that did not.
    expect(foundInFiles(...gone.markers, rewrapped)).toEqual([]);
    expect(foundInFiles(...kept.markers)).toEqual(kept.markers);
    expect(await store.get('op_files', 'ent_kept')).toEqual(kept.key);
  });

  it('deletes the key even when a reader on another connection holds up the checkpoint', async () => {
    const store = openStore();
    const gone = marked('ent_gone');
    await store.create(gone.key);
    const reader = new Database(file, { readonly: true });
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM entity_keys').get(); // holds a read snapshot with the key
      const started = Date.now();
      expect(await store.destroy('op_files', 'ent_gone')).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await store.get('op_files', 'ent_gone')).toBeNull();
      // Held up: the key's bytes are still in the WAL.
      expect(foundInFiles(...gone.markers)).toEqual(gone.markers);
      reader.exec('COMMIT');
    } finally {
      reader.close();
    }
    // The next destroy (of anything) completes the checkpoint.
    expect(await store.destroy('op_files', 'nothing')).toBe(false);
    expect(foundInFiles(...gone.markers)).toEqual([]);
  });
});
