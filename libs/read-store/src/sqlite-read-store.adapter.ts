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
} from './read-store.port';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (
  collection TEXT NOT NULL,
  id         TEXT NOT NULL,
  doc        TEXT NOT NULL,
  PRIMARY KEY (collection, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
  name     TEXT PRIMARY KEY,
  position TEXT NOT NULL
) WITHOUT ROWID;`;

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

function field(name: string): string {
  if (!FIELD.test(name)) throw new Error(`not a plain field name: ${name}`);
  return `json_extract(doc, '$.${name}')`;
}

/** SQLite has no boolean: JSON true/false come back from json_extract as 1/0. */
function bindable(value: Scalar): string | number | null {
  return typeof value === 'boolean' ? Number(value) : value;
}

/**
 * The embedded read store: JSON documents in one SQLite table, with expression indexes on the fields
 * queries filter and sort by. A projection's changes and its checkpoint commit in one transaction.
 */
export class SqliteReadStore implements ReadStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    this.db = openSqlite(file);
    this.db.exec(SCHEMA);
    this.statements = {
      get: this.db.prepare<[string, string], { doc: string }>('SELECT doc FROM documents WHERE collection = ? AND id = ?'),
      put: this.db.prepare('INSERT OR REPLACE INTO documents (collection, id, doc) VALUES (?, ?, ?)'),
      delete: this.db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?'),
      checkpoint: this.db.prepare<[string], { position: string }>('SELECT position FROM checkpoints WHERE name = ?'),
      setCheckpoint: this.db.prepare('INSERT OR REPLACE INTO checkpoints (name, position) VALUES (?, ?)'),
      deleteCheckpoint: this.db.prepare('DELETE FROM checkpoints WHERE name = ?'),
      deleteCollection: this.db.prepare('DELETE FROM documents WHERE collection = ?'),
    };
  }

  async ensureIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    for (const index of indexes) {
      const name = `idx_${index.collection}_${index.fields.join('_')}`;
      if (!FIELD.test(name)) throw new Error(`not a plain index name: ${name}`);
      const columns = ['collection', ...index.fields.map(field), 'id'].join(', ');
      this.db.exec(`CREATE INDEX IF NOT EXISTS ${name} ON documents (${columns})`);
    }
  }

  async get(collection: string, id: string): Promise<Document | null> {
    const row = this.statements.get.get(collection, id);
    return row ? (JSON.parse(row.doc) as Document) : null;
  }

  async find(collection: string, query: FindQuery): Promise<Document[]> {
    const clauses = ['collection = ?'];
    const params: (string | number | null)[] = [collection];
    for (const [name, value] of Object.entries(query.where ?? {})) {
      clauses.push(`${field(name)} IS ?`);
      params.push(bindable(value));
    }
    const order = query.orderBy ? [field(query.orderBy), 'id'] : ['id'];
    if (query.after) {
      if (query.orderBy) {
        clauses.push(`(${order.join(', ')}) > (?, ?)`);
        params.push(bindable(query.after.value), query.after.id);
      } else {
        clauses.push('id > ?');
        params.push(query.after.id);
      }
    }
    const sql = `SELECT doc FROM documents WHERE ${clauses.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ?`;
    params.push(query.limit);
    const rows = this.db.prepare<unknown[], { doc: string }>(sql).all(...params);
    return rows.map((row) => JSON.parse(row.doc) as Document);
  }

  private patchWhere(collection: string, where: Readonly<Record<string, Scalar>>, set: Readonly<Record<string, unknown>>): void {
    const fields = Object.entries(set);
    if (fields.length === 0) return;
    for (const [name] of fields) field(name);
    const paths = fields.map(([name]) => `'$.${name}', json(?)`).join(', ');
    const clauses = ['collection = ?', ...Object.keys(where).map((name) => `${field(name)} IS ?`)];
    this.db
      .prepare(`UPDATE documents SET doc = json_set(doc, ${paths}) WHERE ${clauses.join(' AND ')}`)
      .run(...fields.map(([, value]) => JSON.stringify(value)), collection, ...Object.values(where).map(bindable));
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
    const rows = this.db
      .prepare<unknown[], { doc: string }>(
        `SELECT doc FROM documents WHERE collection = ? AND id IN (${ids.map(() => '?').join(', ')})`,
      )
      .all(collection, ...ids);
    return rows.map((row) => JSON.parse(row.doc) as Document);
  }

  async recordTime(collection: string, id: string, name: string, at: string, minIntervalMs: number): Promise<void> {
    const value = field(name);
    const threshold = new Date(Date.parse(at) - minIntervalMs).toISOString();
    this.db
      .prepare(
        `INSERT INTO documents (collection, id, doc) VALUES (?, ?, json_object('id', ?, '${name}', ?))
         ON CONFLICT (collection, id) DO UPDATE SET doc = json_set(doc, '$.${name}', excluded.doc ->> '$.${name}')
         WHERE ${value} IS NULL OR ${value} < ?`,
      )
      .run(collection, id, id, at, threshold);
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
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
