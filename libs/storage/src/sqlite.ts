import Database from 'better-sqlite3';

export type SqliteOptions = Readonly<{
  /** FULL: a committed transaction survives a power loss (the log, read models, keys). NORMAL: a crash. */
  synchronous?: 'FULL' | 'NORMAL';
  busyTimeoutMs?: number;
  /** Overwrite deleted content instead of only unlinking it (for data that must be erasable). */
  secureDelete?: boolean;
  /** Page size of a new file (an existing file keeps its own); SQLite's default is 4096. */
  pageSize?: number;
}>;

/**
 * Opens one of the embedded backend's SQLite files the way every store does: WAL (readers never block
 * the writer, several processes share the file), the durability asked for, and a busy timeout so that
 * writers from other processes (the CLI, another instance) wait their turn instead of failing.
 */
export function openSqlite(file: string, options: SqliteOptions = {}): Database.Database {
  const db = new Database(file);
  // Only a file without pages takes it, and only before it is switched to WAL.
  if (options.pageSize) db.pragma(`page_size = ${options.pageSize}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
  if (options.secureDelete) {
    db.pragma('secure_delete = ON');
    if (db.pragma('secure_delete', { simple: true }) !== 1) {
      db.close();
      throw new Error('this SQLite build ignores secure_delete: deleted keys would stay readable in the file');
    }
  }
  return db;
}
