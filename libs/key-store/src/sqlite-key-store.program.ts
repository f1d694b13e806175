import type Database from 'better-sqlite3';

/** The key store's table, and its index for re-wrapping after a master-key rotation. */
export const KEYS_SCHEMA = `
CREATE TABLE IF NOT EXISTS entity_keys (
  operator_id   TEXT    NOT NULL,
  entity_id     TEXT    NOT NULL,
  key_id        TEXT    NOT NULL,
  version       INTEGER NOT NULL,
  master_key_id TEXT    NOT NULL,
  wrapped       TEXT    NOT NULL,
  created_at    TEXT    NOT NULL,
  PRIMARY KEY (operator_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_keys_master ON entity_keys (master_key_id);`;

export type KeyRow = {
  operator_id: string;
  entity_id: string;
  key_id: string;
  version: number;
  master_key_id: string;
  wrapped: string;
  created_at: string;
};

export const KEY_COLUMNS = 'operator_id, entity_id, key_id, version, master_key_id, wrapped, created_at';

/**
 * Each connection to the key store: a WAL that restarts after a checkpoint is cut back to nothing rather
 * than overwritten in place, so frames of deleted rows past the new end of the log do not linger in the file.
 */
export function prepareKeyStore(db: Database.Database): void {
  db.pragma('journal_size_limit = 0');
  db.exec(KEYS_SCHEMA);
}

/**
 * The key store's group-committed write, on the writer thread (SqliteWriter): stores a new key, or answers
 * the one already stored for the entity (first writer wins).
 */
export function createWriteProgram(db: Database.Database) {
  prepareKeyStore(db);
  const insert = db.prepare(
    `INSERT INTO entity_keys (${KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (operator_id, entity_id) DO NOTHING`,
  );
  const get = db.prepare<[string, string], KeyRow>(`SELECT ${KEY_COLUMNS} FROM entity_keys WHERE operator_id = ? AND entity_id = ?`);
  return {
    create(row: KeyRow): KeyRow | undefined {
      insert.run(row.operator_id, row.entity_id, row.key_id, row.version, row.master_key_id, row.wrapped, row.created_at);
      return get.get(row.operator_id, row.entity_id);
    },
  };
}
