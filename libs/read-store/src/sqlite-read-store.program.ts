import type Database from 'better-sqlite3';
import {
  CheckpointMove,
  CheckpointMovedError,
  DocumentChange,
  expectedCheckpoints,
  heldCheckpoint,
  holdOf,
  IndexSpec,
  NoShadowCheckpointError,
  Scalar,
  servingIndex,
  ShadowSwap,
} from './read-store.port';

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Most distinct statements kept prepared; the shapes are fixed by the code, so this is never reached in practice. */
const STATEMENT_CACHE_MAX = 512;

/** A top-level field of the JSON document, as an SQL expression (plain names only: they go into the SQL text). */
export function field(name: string): string {
  if (!FIELD.test(name)) throw new Error(`not a plain field name: ${name}`);
  return `json_extract(doc, '$.${name}')`;
}

export function indexName(index: IndexSpec): string {
  const name = `ix_${index.collection}_${index.fields.join('_')}`;
  if (!FIELD.test(name)) throw new Error(`not a plain index name: ${name}`);
  return name;
}

/** A collection's name as an SQL literal: partial indexes serve only queries that name their collection literally. */
export function literal(collection: string): string {
  if (!FIELD.test(collection)) throw new Error(`not a plain collection name: ${collection}`);
  return `'${collection}'`;
}

/** SQLite has no boolean: JSON true/false come back from json_extract as 1/0. */
export function bindable(value: Scalar): string | number | null {
  return typeof value === 'boolean' ? Number(value) : value;
}

/** The table, forced onto the index that serves the query. */
export function from(index: IndexSpec | 'primary'): string {
  return index === 'primary' ? 'documents' : `documents INDEXED BY ${indexName(index)}`;
}

export type Prepared = { statement: Database.Statement; fields: string[] };

/** Prepared statements by query shape, prepared on first use. */
export class StatementCache {
  private readonly prepared = new Map<string, Prepared>();

  constructor(private readonly db: Database.Database) {}

  /** The prepared statement of a query shape, with the equality fields in the order its parameters take them. */
  shape(key: readonly string[], build: () => { sql: string; fields: string[] }): Prepared {
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
}

/**
 * A change as it is sent to the thread: a put carries its document already as JSON text, which costs the
 * thread nothing to copy, where a document object would be rebuilt there field by field, then stringified.
 */
export type WireChange =
  | Readonly<{ kind: 'put'; collection: string; id: string; json: string }>
  | Exclude<DocumentChange, { kind: 'put' }>;

export function toWire(change: DocumentChange): WireChange {
  return change.kind === 'put' ? { kind: 'put', collection: change.collection, id: change.document.id, json: JSON.stringify(change.document) } : change;
}

export type CommitArgs = Readonly<{ moves: readonly CheckpointMove[]; changes: readonly WireChange[] }>;
export type HoldArgs = Readonly<{ name: string; holder: string; until: number }>;
export type RecordTimeArgs = Readonly<{ collection: string; id: string; name: string; at: string; minIntervalMs: number }>;
export type ResetArgs = Readonly<{ name: string; collections: readonly string[] }>;
export type SwapShadowArgs = ShadowSwap;

/**
 * The read store's writes, run on its writer thread (SqliteWriter), each inside a group-committed
 * transaction: a projector's batch with its checkpoint (compare-and-set), a key's last use, a reset for a
 * rebuild, the swap of a shadow rebuild, and the declared indexes. The thread's connection is the only one
 * of the process that writes read.db, so the event loop never waits for its write lock nor does the work
 * of a commit.
 */
export function createWriteProgram(db: Database.Database) {
  const statements = {
    put: db.prepare('INSERT OR REPLACE INTO documents (collection, id, doc) VALUES (?, ?, ?)'),
    delete: db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?'),
    checkpoint: db.prepare<[string], { position: string }>('SELECT position FROM checkpoints WHERE name = ?'),
    setCheckpoint: db.prepare('INSERT OR REPLACE INTO checkpoints (name, position) VALUES (?, ?)'),
    deleteCheckpoint: db.prepare('DELETE FROM checkpoints WHERE name = ?'),
    deleteCollection: db.prepare('DELETE FROM documents WHERE collection = ?'),
    // Searches the (collection, id) key by its collection prefix: the moved rows leave the shadow's partial
    // indexes and enter the live one's, as any update of the column their WHERE names.
    moveCollection: db.prepare('UPDATE documents SET collection = ? WHERE collection = ?'),
  };
  const cache = new StatementCache(db);
  let indexes: readonly IndexSpec[] = [];

  function patchWhere(collection: string, where: Readonly<Record<string, Scalar>>, set: Readonly<Record<string, unknown>>): void {
    const names = Object.keys(where).sort();
    const values = Object.keys(set);
    if (values.length === 0) return;
    const { statement, fields } = cache.shape(['patch', collection, ...names, '|', ...values], () => {
      const index = servingIndex(indexes, collection, names, undefined, true);
      const fields = index === 'primary' ? names : index.fields.slice(0, names.length);
      for (const name of values) field(name);
      const paths = values.map((name) => `'$.${name}', json(?)`).join(', ');
      const clauses = [`collection = ${literal(collection)}`, ...fields.map((name) => `${field(name)} IS ?`)];
      return { sql: `UPDATE ${from(index)} SET doc = json_set(doc, ${paths}) WHERE ${clauses.join(' AND ')}`, fields };
    });
    statement.run(...values.map((name) => JSON.stringify(set[name])), ...fields.map((name) => bindable(where[name]!)));
  }

  /**
   * One partial index per declared index, holding only its collection's documents: a write to a collection
   * updates that collection's indexes and no other's. The thread keeps the list to choose the index of a patch.
   */
  function ensureIndexes(declared: readonly IndexSpec[]): void {
    for (const index of declared) {
      const columns = [...index.fields.map(field), 'id'].join(', ');
      db.exec(`CREATE INDEX IF NOT EXISTS ${indexName(index)} ON documents (${columns}) WHERE collection = ${literal(index.collection)}`);
    }
    indexes = [...indexes, ...declared];
  }

  function commit({ moves, changes }: CommitArgs): void {
    for (const { name, expected } of moves) {
      if ((statements.checkpoint.get(name)?.position ?? null) !== expected) throw new CheckpointMovedError(name);
    }
    for (const change of changes) {
      if (change.kind === 'put') statements.put.run(change.collection, change.id, change.json);
      else if (change.kind === 'delete') statements.delete.run(change.collection, change.id);
      else patchWhere(change.collection, change.where, change.set);
    }
    for (const { name, expected, next } of moves) if (next !== undefined && next !== expected) statements.setCheckpoint.run(name, next);
  }

  /** Read and replaced in one statement's transaction: no commit of the projector falls between them. */
  function holdCheckpoint({ name, holder, until }: HoldArgs): string | null {
    const current = statements.checkpoint.get(name)?.position;
    if (current === undefined) return null;
    const held = heldCheckpoint({ position: holdOf(current)?.position ?? current, holder, until });
    statements.setCheckpoint.run(name, held);
    return held;
  }

  function recordTime({ collection, id, name, at, minIntervalMs }: RecordTimeArgs): void {
    const { statement } = cache.shape(['recordTime', name], () => {
      const value = field(name);
      const sql = `INSERT INTO documents (collection, id, doc) VALUES (?, ?, json_object('id', ?, '${name}', ?))
         ON CONFLICT (collection, id) DO UPDATE SET doc = json_set(doc, '$.${name}', excluded.doc ->> '$.${name}')
         WHERE ${value} IS NULL OR ${value} < ?`;
      return { sql, fields: [] };
    });
    const threshold = new Date(Date.parse(at) - minIntervalMs).toISOString();
    statement.run(collection, id, id, at, threshold);
  }

  function reset({ name, collections }: ResetArgs): void {
    for (const collection of collections) statements.deleteCollection.run(collection);
    statements.deleteCheckpoint.run(name);
  }

  /** One savepoint of the batch's transaction: a reader sees every live collection before or after, never a mix. */
  function swapShadow(swap: SwapShadowArgs): void {
    const { checkpoints, collections } = swap;
    const positions = checkpoints.map(({ shadow }) => {
      const position = statements.checkpoint.get(shadow)?.position;
      if (position === undefined) throw new NoShadowCheckpointError(shadow);
      return position;
    });
    const expected = expectedCheckpoints(swap);
    for (const { name, value } of expected) {
      const stored = statements.checkpoint.get(name)?.position ?? null;
      if (stored !== value) throw new CheckpointMovedError(name);
    }
    for (const { live } of collections) statements.deleteCollection.run(live);
    for (const { live, shadow } of collections) statements.moveCollection.run(live, shadow);
    checkpoints.forEach(({ live, shadow }, i) => {
      statements.setCheckpoint.run(live, positions[i]!);
      statements.deleteCheckpoint.run(shadow);
    });
  }

  return { ensureIndexes, commit, holdCheckpoint, recordTime, reset, swapShadow };
}
