import Database from 'better-sqlite3';

/**
 * The peer's SQLite file: three tables, every read a primary-key lookup.
 *   api_keys   (key_hash PK) -> operator_id
 *   data_keys  (entity_id PK) -> the entity's data key, wrapped under the operator's KEK
 *   entities   ((operator_id, external_id) PK) -> the entity, personal fields sealed, as JSON
 * WAL with synchronous=FULL: a committed upsert survives a power cut, as the product's appends do.
 */
export function openPeerDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS api_keys (
      key_hash TEXT PRIMARY KEY,
      operator_id TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS data_keys (
      entity_id TEXT PRIMARY KEY,
      wrapped TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS entities (
      operator_id TEXT NOT NULL,
      external_id TEXT NOT NULL,
      id TEXT NOT NULL,
      entity_type TEXT NOT NULL,
      data TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (operator_id, external_id)
    ) WITHOUT ROWID;
  `);
  return db;
}

export type EntityRow = {
  id: string;
  entity_type: string;
  data: string;
  created_at: string;
  updated_at: string;
};
