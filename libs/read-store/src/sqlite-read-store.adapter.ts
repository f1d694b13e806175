import type Database from 'better-sqlite3';
import { openSqlite } from '@onehazel/storage';
import {
  CheckpointMovedError,
  Document,
  DocumentChange,
  FindQuery,
  IndexSpec,
  ReadStore,
  Scalar,
  servingIndex,
} from './read-store.port';

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

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Most distinct statements kept prepared; the shapes are fixed by the code, so this is never reached in practice. */
const STATEMENT_CACHE_MAX = 512;

function field(name: string): string {
  if (!FIELD.test(name)) throw new Error(`not a plain field name: ${name}`);
  return `json_extract(doc, '$.${name}')`;
}

function indexName(index: IndexSpec): string {
  const name = `ix_${index.collection}_${index.fields.join('_')}`;
  if (!FIELD.test(name)) throw new Error(`not a plain index name: ${name}`);
  return name;
}

/** A collection's name as an SQL literal: partial indexes serve only queries that name their collection literally. */
function literal(collection: string): string {
  if (!FIELD.test(collection)) throw new Error(`not a plain collection name: ${collection}`);
  return `'${collection}'`;
}

/** SQLite has no boolean: JSON true/false come back from json_extract as 1/0. */
function bindable(value: Scalar): string | number | null {
  return typeof value === 'boolean' ? Number(value) : value;
}

type Row = { doc: string };
type Prepared = { statement: Database.Statement; fields: string[] };

/** The table, forced onto the index that serves the query. */
function from(index: IndexSpec | 'primary'): string {
  return index === 'primary' ? 'documents' : `documents INDEXED BY ${indexName(index)}`;
}

/**
 * The embedded read store: JSON documents in one SQLite table, with expression indexes on the fields
 * queries filter and sort by. A projection's changes and its checkpoint commit in one transaction.
 *
 * Every query names the declared index that serves it (`INDEXED BY`, chosen by `servingIndex`): without
 * statistics SQLite's planner would rather walk the primary key of the whole collection than trust an
 * expression index, and a query no index serves is refused rather than left to scan. Statements are
 * prepared once per query shape and reused.
 *
 * Durability: `synchronous = NORMAL`. The read models and their checkpoint are derived data, committed
 * together in one transaction: a power loss may roll both back to an earlier consistent point (never one
 * without the other), and the projector then replays the log, which is fsync'd, from that checkpoint. A
 * process crash loses nothing at all in WAL mode.
 */
export class SqliteReadStore implements ReadStore {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly prepared = new Map<string, Prepared>();
  private indexes: readonly IndexSpec[] = [];

  constructor(file: string) {
    // Pages of 16 KiB hold a dozen documents of a kilobyte: a third fewer page splits on insert than 4 KiB.
    this.db = openSqlite(file, { synchronous: 'NORMAL', pageSize: 16_384 });
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
      put: this.db.prepare('INSERT OR REPLACE INTO documents (collection, id, doc) VALUES (?, ?, ?)'),
      delete: this.db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?'),
      checkpoint: this.db.prepare<[string], { position: string }>('SELECT position FROM checkpoints WHERE name = ?'),
      setCheckpoint: this.db.prepare('INSERT OR REPLACE INTO checkpoints (name, position) VALUES (?, ?)'),
      deleteCheckpoint: this.db.prepare('DELETE FROM checkpoints WHERE name = ?'),
      deleteCollection: this.db.prepare('DELETE FROM documents WHERE collection = ?'),
    };
  }

  /**
   * One partial index per declared index, holding only its collection's documents: a write to a collection
   * updates that collection's indexes and no other's.
   */
  async ensureIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    for (const index of indexes) {
      const columns = [...index.fields.map(field), 'id'].join(', ');
      this.db.exec(`CREATE INDEX IF NOT EXISTS ${indexName(index)} ON documents (${columns}) WHERE collection = ${literal(index.collection)}`);
    }
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
    const { statement, fields } = this.shape(['find', collection, ...names, '|', orderBy ?? '', after ? (afterNull ? 'null' : 'after') : ''], () => {
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

  /**
   * The prepared statement of a query shape (prepared on first use), with the equality fields in the
   * order its parameters take them.
   */
  private shape(key: readonly string[], build: () => { sql: string; fields: string[] }): Prepared {
    const id = key.join('\u0000');
    let prepared = this.prepared.get(id);
    if (!prepared) {
      const { sql, fields } = build();
      if (this.prepared.size >= STATEMENT_CACHE_MAX) this.prepared.clear();
      prepared = { statement: this.db.prepare(sql), fields };
      this.prepared.set(id, prepared);
    }
    return prepared;
  }

  private patchWhere(collection: string, where: Readonly<Record<string, Scalar>>, set: Readonly<Record<string, unknown>>): void {
    const names = Object.keys(where).sort();
    const values = Object.keys(set);
    if (values.length === 0) return;
    const { statement, fields } = this.shape(['patch', collection, ...names, '|', ...values], () => {
      const index = servingIndex(this.indexes, collection, names, undefined, true);
      const fields = index === 'primary' ? names : index.fields.slice(0, names.length);
      for (const name of values) field(name); // plain names only: they go into the SQL text
      const paths = values.map((name) => `'$.${name}', json(?)`).join(', ');
      const clauses = [`collection = ${literal(collection)}`, ...fields.map((name) => `${field(name)} IS ?`)];
      return { sql: `UPDATE ${from(index)} SET doc = json_set(doc, ${paths}) WHERE ${clauses.join(' AND ')}`, fields };
    });
    statement.run(...values.map((name) => JSON.stringify(set[name])), ...fields.map((name) => bindable(where[name]!)));
  }

  async getCheckpoint(name: string): Promise<string | null> {
    return this.statements.checkpoint.get(name)?.position ?? null;
  }

  async commit(name: string, expected: string | null, next: string, changes: readonly DocumentChange[]): Promise<void> {
    const run = this.db.transaction(() => {
      const current = this.statements.checkpoint.get(name)?.position ?? null;
      if (current !== expected) throw new CheckpointMovedError(name);
      for (const change of changes) {
        if (change.kind === 'put') {
          this.statements.put.run(change.collection, change.document.id, JSON.stringify(change.document));
        } else if (change.kind === 'delete') {
          this.statements.delete.run(change.collection, change.id);
        } else {
          this.patchWhere(change.collection, change.where, change.set);
        }
      }
      this.statements.setCheckpoint.run(name, next);
    });
    run.immediate();
  }

  async getMany(collection: string, ids: readonly string[]): Promise<Document[]> {
    if (ids.length === 0) return [];
    return this.statements.getMany.all(collection, JSON.stringify(ids)).map((row) => JSON.parse(row.doc) as Document);
  }

  async recordTime(collection: string, id: string, name: string, at: string, minIntervalMs: number): Promise<void> {
    const { statement } = this.shape(['recordTime', name], () => {
      const value = field(name);
      const sql = `INSERT INTO documents (collection, id, doc) VALUES (?, ?, json_object('id', ?, '${name}', ?))
         ON CONFLICT (collection, id) DO UPDATE SET doc = json_set(doc, '$.${name}', excluded.doc ->> '$.${name}')
         WHERE ${value} IS NULL OR ${value} < ?`;
      return { sql, fields: [] };
    });
    const threshold = new Date(Date.parse(at) - minIntervalMs).toISOString();
    statement.run(collection, id, id, at, threshold);
  }

  async reset(name: string, collections: readonly string[]): Promise<void> {
    this.db
      .transaction(() => {
        for (const collection of collections) this.statements.deleteCollection.run(collection);
        this.statements.deleteCheckpoint.run(name);
      })
      .immediate();
  }

  async ping(): Promise<void> {
    this.statements.checkpoint.get('');
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
