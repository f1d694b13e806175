import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { openSqlite, SqliteWriter, WriteError } from '@onehazel/storage';
import {
  assertShadowSwap,
  CheckpointMove,
  CheckpointMovedError,
  Document,
  DocumentChange,
  FindQuery,
  IndexSpec,
  NoShadowCheckpointError,
  ReadStore,
  servingIndex,
  ShadowSwap,
} from './read-store.port';
import {
  bindable,
  CommitArgs,
  field,
  from,
  HoldArgs,
  literal,
  RecordTimeArgs,
  ResetArgs,
  StatementCache,
  SwapShadowArgs,
  toWire,
} from './sqlite-read-store.program';

const SQLITE = { synchronous: 'NORMAL', pageSize: 16_384 } as const;

/** The checkpoint errors (compare-and-set, a missing shadow), as they come back from the writer thread. */
function fromWriter(error: unknown): unknown {
  const described = error as WriteError;
  if (described?.name === 'CheckpointMovedError') return new CheckpointMovedError(described.checkpoint as string);
  if (described?.name === 'NoShadowCheckpointError') return new NoShadowCheckpointError(described.checkpoint as string);
  return error;
}

/**
 * A rowid table: documents are about a kilobyte, and appended in rowid order they fill pages one after
 * the other, where a WITHOUT ROWID table keyed by random ids splits pages on nearly every insert (three
 * times slower). (collection, id) is unique, and each declared index is a partial one on its collection.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (
  collection TEXT NOT NULL,
  id         TEXT NOT NULL,
  doc        TEXT NOT NULL,
  UNIQUE (collection, id)
);
CREATE TABLE IF NOT EXISTS checkpoints (
  name     TEXT PRIMARY KEY,
  position TEXT NOT NULL
) WITHOUT ROWID;`;

/**
 * The file layout (`PRAGMA user_version`). A file of an earlier layout is emptied at open: read models are
 * derived data, and the projector rebuilds them from the log (before serving, in the embedded default).
 */
const LAYOUT = 2;

type Row = { doc: string };

/**
 * The embedded read store: JSON documents in one SQLite table, with expression indexes on the fields
 * queries filter and sort by. A projection's changes and its checkpoint commit in one transaction.
 *
 * Every query names the declared index that serves it (`INDEXED BY`, chosen by `servingIndex`): without
 * statistics SQLite's planner would rather walk the primary key of the whole collection than trust an
 * expression index, and a query no index serves is refused rather than left to scan. Statements are
 * prepared once per query shape and reused.
 *
 * Reads run on this thread's connection. Every write (a projector's commit, a key's last use, a reset, a
 * shadow swap, the indexes) runs on a writer thread of its own (SqliteWriter, program `sqlite-read-store.program`),
 * group-committed: the event loop neither inserts the documents nor maintains their indexes, and a reader
 * here sees a commit once its promise has resolved.
 *
 * Durability: `synchronous = NORMAL`. The read models and their checkpoint are derived data, committed
 * together in one transaction: a power loss may roll both back to an earlier consistent point (never one
 * without the other), and the projector then replays the log, which is fsync'd, from that checkpoint. A
 * process crash loses nothing at all in WAL mode.
 */
export class SqliteReadStore implements ReadStore {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly queries: StatementCache;
  private readonly writer: SqliteWriter;
  private indexes: readonly IndexSpec[] = [];

  /**
   * `program`: the module of the writer thread's writes, by absolute path without extension (default: this
   * directory's `sqlite-read-store.program`). A test gives one that wraps it, to crash inside a commit.
   */
  constructor(file: string, options: Readonly<{ program?: string }> = {}) {
    // Pages of 16 KiB hold a dozen documents of a kilobyte: a third fewer page splits on insert than 4 KiB.
    this.db = openSqlite(file, SQLITE);
    this.db
      .transaction(() => {
        if (this.db.pragma('user_version', { simple: true }) === LAYOUT) return;
        this.db.exec('DROP TABLE IF EXISTS documents; DROP TABLE IF EXISTS checkpoints;');
        this.db.exec(SCHEMA);
        this.db.pragma(`user_version = ${LAYOUT}`);
      })
      .immediate();
    this.statements = {
      get: this.db.prepare<[string, string], Row>('SELECT doc FROM documents WHERE collection = ? AND id = ?'),
      getMany: this.db.prepare<[string, string], Row>(
        'SELECT doc FROM documents WHERE collection = ? AND id IN (SELECT value FROM json_each(?))',
      ),
      checkpoint: this.db.prepare<[string], { position: string }>('SELECT position FROM checkpoints WHERE name = ?'),
    };
    this.queries = new StatementCache(this.db);
    // Started once the file has its layout: the thread prepares its statements on the tables.
    this.writer = new SqliteWriter({ file, sqlite: SQLITE, program: options.program ?? join(__dirname, 'sqlite-read-store.program') });
  }

  async ensureIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    await this.writer.run('ensureIndexes', indexes);
    this.indexes = [...this.indexes, ...indexes];
  }

  async get(collection: string, id: string): Promise<Document | null> {
    const row = this.statements.get.get(collection, id);
    return row ? (JSON.parse(row.doc) as Document) : null;
  }

  async find(collection: string, query: FindQuery): Promise<Document[]> {
    const { where = {}, orderBy, after } = query;
    const afterNull = after !== undefined && after.value === null;
    const names = Object.keys(where).sort();
    const { statement, fields } = this.queries.shape(['find', collection, ...names, '|', orderBy ?? '', after ? (afterNull ? 'null' : 'after') : ''], () => {
      const index = servingIndex(this.indexes, collection, names, orderBy);
      const fields = index === 'primary' ? names : index.fields.slice(0, names.length);
      const clauses = [`collection = ${literal(collection)}`, ...fields.map((name) => `${field(name)} IS ?`)];
      const order = orderBy ? field(orderBy) : null;
      if (after) {
        if (!order) clauses.push('id > ?');
        // A range on the sort field's index entries, then the tie on id: never a walk from the first entry.
        else if (afterNull) clauses.push(`(${order} IS NOT NULL OR id > ?)`);
        else clauses.push(`${order} >= ?`, `(${order} > ? OR id > ?)`);
      }
      const sql = `SELECT doc FROM ${from(index)} WHERE ${clauses.join(' AND ')} ORDER BY ${order ? `${order}, ` : ''}id LIMIT ?`;
      return { sql, fields };
    });
    const params: (string | number | null)[] = fields.map((name) => bindable(where[name]!));
    if (after) {
      if (!orderBy || afterNull) params.push(after.id);
      else params.push(bindable(after.value), bindable(after.value), after.id);
    }
    params.push(query.limit);
    return (statement.all(...params) as Row[]).map((row) => JSON.parse(row.doc) as Document);
  }

  async getCheckpoint(name: string): Promise<string | null> {
    return this.statements.checkpoint.get(name)?.position ?? null;
  }

  async commit(name: string, expected: string | null, next: string, changes: readonly DocumentChange[]): Promise<void> {
    await this.commitAll([{ name, expected, next }], changes);
  }

  async getCheckpoints(names: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const found = new Map<string, string>();
    for (const name of names) {
      const position = this.statements.checkpoint.get(name)?.position;
      if (position !== undefined) found.set(name, position);
    }
    return found;
  }

  async holdCheckpoint(name: string, holder: string, until: number): Promise<string | null> {
    const args: HoldArgs = { name, holder, until };
    return (await this.writer.run('holdCheckpoint', args)) as string | null;
  }

  async commitAll(moves: readonly CheckpointMove[], changes: readonly DocumentChange[]): Promise<void> {
    // A patch no index serves is refused here, with the caller's stack (NoIndexError), before anything is sent.
    for (const change of changes) {
      if (change.kind === 'patchWhere') servingIndex(this.indexes, change.collection, Object.keys(change.where), undefined, true);
    }
    const args: CommitArgs = { moves, changes: changes.map(toWire) };
    await this.writer.run('commit', args).catch((error: unknown) => {
      throw fromWriter(error);
    });
  }

  async getMany(collection: string, ids: readonly string[]): Promise<Document[]> {
    if (ids.length === 0) return [];
    return this.statements.getMany.all(collection, JSON.stringify(ids)).map((row) => JSON.parse(row.doc) as Document);
  }

  async recordTime(collection: string, id: string, name: string, at: string, minIntervalMs: number): Promise<void> {
    field(name); // refused here, with the caller's stack, rather than on the thread
    const args: RecordTimeArgs = { collection, id, name, at, minIntervalMs };
    await this.writer.run('recordTime', args);
  }

  async reset(name: string, collections: readonly string[]): Promise<void> {
    const args: ResetArgs = { name, collections };
    await this.writer.run('reset', args);
  }

  async swapShadow(swap: ShadowSwap): Promise<void> {
    assertShadowSwap(swap); // refused here, with the caller's stack, rather than on the thread
    const args: SwapShadowArgs = swap;
    await this.writer.run('swapShadow', args).catch((error: unknown) => {
      throw fromWriter(error);
    });
  }

  async ping(): Promise<void> {
    this.writer.check();
    this.statements.checkpoint.get('');
  }

  async close(): Promise<void> {
    await this.writer.close();
    if (this.db.open) this.db.close();
  }
}
