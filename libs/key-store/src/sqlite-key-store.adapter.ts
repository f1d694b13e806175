import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { openSqlite, SqliteWriter } from '@onehazel/storage';
import { KeyStore, WrappedDataKey } from './key-store.port';
import { KEY_COLUMNS as COLUMNS, KeyRow as Row, prepareKeyStore } from './sqlite-key-store.program';

/** How often, and after what pauses (ms), destroy tries again a WAL checkpoint that readers held up. */
const CHECKPOINT_RETRY_DELAYS_MS = [10, 25, 50, 100, 200];

function fromRow(row: Row): WrappedDataKey {
  return {
    operatorId: row.operator_id,
    entityId: row.entity_id,
    keyId: row.key_id,
    version: row.version,
    masterKeyId: row.master_key_id,
    wrapped: row.wrapped,
    createdAt: row.created_at,
  };
}

/** Both connections, this thread's and the writer's: overwrite what is deleted. */
const SQLITE = { secureDelete: true } as const;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The embedded key store: one table in its own SQLite file (e.g. data/keys.db), kept apart from the
 * event log and the read store so that its erasure guarantees do not depend on theirs.
 *
 * Erasure. `PRAGMA secure_delete = ON` makes SQLite overwrite a deleted row (and any page it frees, such
 * as overflow pages) with zeros instead of only unlinking it; the same holds for the old value of a
 * re-wrapped key. In WAL mode the zeroed page is first appended to the WAL, while earlier frames of the
 * WAL and the main file still hold the key's bytes, so `destroy` then runs `PRAGMA wal_checkpoint(TRUNCATE)`:
 * the zeroed page is copied into the main file and the WAL is truncated to zero bytes.
 *
 * The checkpoint cannot complete while another connection (another process on the same file) reads an
 * older snapshot or writes. `destroy` does not block the event loop waiting for it: it tries without a
 * busy timeout and again after a few short pauses (about 0.4 s in all), then leaves it. The key is deleted
 * either way (no read answers it), but its bytes stay in the WAL file until a later checkpoint completes:
 * the next `destroy`, the close of the last connection on the file (which checkpoints and deletes the
 * WAL), or an automatic checkpoint after which `journal_size_limit = 0` truncates the restarted WAL.
 *
 * Out of reach of any database: copies of the file made by backups, and blocks the filesystem or the
 * disk (copy-on-write, SSD wear levelling) keeps after SQLite overwrote them.
 */
export class SqliteKeyStore implements KeyStore {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly writer: SqliteWriter;

  constructor(file: string) {
    this.db = openSqlite(file, SQLITE);
    prepareKeyStore(this.db);
    this.statements = {
      get: this.db.prepare<[string, string], Row>(
        `SELECT ${COLUMNS} FROM entity_keys WHERE operator_id = ? AND entity_id = ?`,
      ),
      rewrap: this.db.prepare(
        `UPDATE entity_keys SET master_key_id = ?, wrapped = ?
         WHERE operator_id = ? AND entity_id = ? AND key_id = ? AND version = ? AND wrapped = ?`,
      ),
      delete: this.db.prepare('DELETE FROM entity_keys WHERE operator_id = ? AND entity_id = ?'),
      // Two ranges of the master-key index ("<>" would walk every key of the store for each page).
      listOther: this.db.prepare<[string, string, number], Row>(
        `SELECT ${COLUMNS} FROM entity_keys WHERE master_key_id < ?
         UNION ALL SELECT ${COLUMNS} FROM entity_keys WHERE master_key_id > ? LIMIT ?`,
      ),
      ping: this.db.prepare('SELECT 1'),
    };
    this.writer = new SqliteWriter({ file, sqlite: SQLITE, program: join(__dirname, 'sqlite-key-store.program') });
  }

  async create(key: WrappedDataKey): Promise<WrappedDataKey> {
    // Group-committed on the writer thread, fully durable (synchronous=FULL): concurrent creates share one
    // transaction and one fsync, and each resolves only once it is on disk. The transaction is IMMEDIATE, so
    // of two processes creating a key for one entity, the second waits, inserts nothing and reads the first one's key.
    const row = await this.writer.run<Row | undefined>('create', {
      operator_id: key.operatorId,
      entity_id: key.entityId,
      key_id: key.keyId,
      version: key.version,
      master_key_id: key.masterKeyId,
      wrapped: key.wrapped,
      created_at: key.createdAt,
    } satisfies Row);
    if (!row) throw new Error('the key store lost a key it had just stored');
    return fromRow(row);
  }

  async get(operatorId: string, entityId: string): Promise<WrappedDataKey | null> {
    const row = this.statements.get.get(operatorId, entityId);
    return row ? fromRow(row) : null;
  }

  async rewrap(expected: WrappedDataKey, masterKeyId: string, wrapped: string): Promise<boolean> {
    const { operatorId, entityId, keyId, version } = expected;
    return this.statements.rewrap.run(masterKeyId, wrapped, operatorId, entityId, keyId, version, expected.wrapped).changes === 1;
  }

  async destroy(operatorId: string, entityId: string): Promise<boolean> {
    const deleted = this.statements.delete.run(operatorId, entityId).changes === 1;
    // Also when nothing was deleted: it finishes the erasure of a key whose earlier checkpoint was held up.
    await this.checkpoint();
    return deleted;
  }

  /** Copies the WAL into the main file and truncates it to zero bytes; answers whether it completed. */
  private async checkpoint(): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      if (!this.db.open) return false;
      if (this.tryCheckpoint()) return true;
      const delay = CHECKPOINT_RETRY_DELAYS_MS[attempt];
      if (delay === undefined) return false;
      await sleep(delay);
    }
  }

  private tryCheckpoint(): boolean {
    // Without a busy timeout: better-sqlite3 is synchronous, and waiting here would stall the process.
    this.db.pragma('busy_timeout = 0');
    try {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
      return result !== undefined && result.busy === 0;
    } catch (error) {
      // SQLITE_BUSY or SQLITE_LOCKED: another connection holds a lock the checkpoint needs.
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) return false;
      throw error;
    } finally {
      this.db.pragma('busy_timeout = 10000');
    }
  }

  async listWrappedWithOther(masterKeyId: string, limit: number): Promise<WrappedDataKey[]> {
    if (limit <= 0) return []; // SQLite reads a negative LIMIT as "no limit"
    return this.statements.listOther.all(masterKeyId, masterKeyId, limit).map(fromRow);
  }

  async ping(): Promise<void> {
    this.writer.check();
    this.statements.ping.get();
  }

  async close(): Promise<void> {
    await this.writer.close();
    if (this.db.open) this.db.close();
  }
}
