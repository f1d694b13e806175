import {
  assertShadowSwap,
  expectedCheckpoints,
  CheckpointMove,
  CheckpointMovedError,
  heldCheckpoint,
  holdOf,
  Document,
  DocumentChange,
  FindQuery,
  IndexSpec,
  NoShadowCheckpointError,
  ReadStore,
  Scalar,
  servingIndex,
  ShadowSwap,
} from './read-store.port';

/** The names the SQLite adapter accepts for collections and fields (they go into its SQL text). */
const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;

function plain(name: string, what: string): string {
  if (!PLAIN.test(name)) throw new Error(`not a plain ${what} name: ${name}`);
  return name;
}

/** A field's value as SQLite's json_extract sees it: NULL (absent or null), a number (booleans are 1/0), or text. */
type SqlValue = null | number | string;

function sqlValue(value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return Number(value);
  if (typeof value === 'number' || typeof value === 'string') return value;
  return JSON.stringify(value); // an object or an array: its JSON text
}

/** SQLite's order of values: NULL, then numbers, then text by its UTF-8 bytes (BINARY collation, code point order). */
function compareSql(a: SqlValue, b: SqlValue): number {
  const rank = (value: SqlValue) => (value === null ? 0 : typeof value === 'number' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (a === null || b === null || a === b) return 0;
  if (typeof a === 'number') return a < (b as number) ? -1 : 1;
  return compareText(a, b as string);
}

function compareText(a: string, b: string): number {
  for (let i = 0; i < a.length && i < b.length; ) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** `field IS value`: SQLite's equality, NULL included. */
function matches(document: Document, where: Readonly<Record<string, Scalar>>): boolean {
  return Object.keys(where).every((name) => sqlValue(document[name]) === sqlValue(where[name]));
}

/** A document as SQLite stores it: through JSON (undefined fields dropped; a bigint refused), never the caller's object. */
function stored<T>(value: T): T {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error('not a JSON value');
  return JSON.parse(json) as T;
}

type Collection = Map<string, Document>;

/**
 * The read store in memory, for handler and projection specs: the same port and contract as the SQLite
 * read store, and the same answers. `find` is equality on top-level fields (as SQLite's `IS`: null
 * matches an absent field, true matches 1), ordered by a field then id in SQLite's order of values,
 * with keyset `after` and `limit`; and it refuses, with NoIndexError, a query that no declared index
 * serves (`servingIndex`), as both real adapters do, so a spec catches a missing index. Names SQLite
 * would refuse (not plain identifiers) are refused here too.
 *
 * Documents go in and come out as copies (in through JSON, as SQLite stores them; out through
 * structuredClone): a caller that changes a document it put or read changes nothing stored.
 *
 * A commit is atomic: every check (indexes, the checkpoint, names, JSON) is made before the first
 * change is applied, and nothing runs between the check and the changes.
 */
export class InMemoryReadStore implements ReadStore {
  private readonly collections = new Map<string, Collection>();
  private readonly checkpoints = new Map<string, string>();
  private indexes: readonly IndexSpec[] = [];
  private closed = false;

  async ensureIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    this.assertOpen();
    for (const index of indexes) {
      plain(index.collection, 'collection');
      for (const name of index.fields) plain(name, 'field');
    }
    this.indexes = [...this.indexes, ...indexes];
  }

  async get(collection: string, id: string): Promise<Document | null> {
    this.assertOpen();
    const document = this.collections.get(collection)?.get(id);
    return document ? structuredClone(document) : null;
  }

  async getMany(collection: string, ids: readonly string[]): Promise<Document[]> {
    this.assertOpen();
    const documents = this.collections.get(collection);
    return [...new Set(ids)].flatMap((id) => {
      const document = documents?.get(id);
      return document ? [structuredClone(document)] : [];
    });
  }

  async find(collection: string, query: FindQuery): Promise<Document[]> {
    this.assertOpen();
    plain(collection, 'collection');
    const { where = {}, orderBy, after, limit } = query;
    servingIndex(this.indexes, collection, Object.keys(where).sort(), orderBy);
    const key = (document: Document): SqlValue => (orderBy === undefined ? null : sqlValue(document[orderBy]));
    const isAfter = (document: Document): boolean => {
      if (!after) return true;
      const laterId = compareText(document.id, after.id) > 0;
      if (orderBy === undefined) return laterId;
      const value = key(document);
      if (after.value === null) return value !== null || laterId;
      // SQLite: `value >= ? AND (value > ? OR id > ?)`, where a NULL value compares to nothing.
      if (value === null) return false;
      const order = compareSql(value, sqlValue(after.value));
      return order > 0 || (order === 0 && laterId);
    };
    const found = [...(this.collections.get(collection)?.values() ?? [])]
      .filter((document) => matches(document, where) && isAfter(document))
      .sort((a, b) => compareSql(key(a), key(b)) || compareText(a.id, b.id));
    // SQLite reads a negative LIMIT as no limit at all.
    return (limit < 0 ? found : found.slice(0, limit)).map((document) => structuredClone(document));
  }

  async getCheckpoint(name: string): Promise<string | null> {
    this.assertOpen();
    return this.checkpoints.get(name) ?? null;
  }

  async getCheckpoints(names: readonly string[]): Promise<ReadonlyMap<string, string>> {
    this.assertOpen();
    const found = new Map<string, string>();
    for (const name of names) {
      const position = this.checkpoints.get(name);
      if (position !== undefined) found.set(name, position);
    }
    return found;
  }

  async holdCheckpoint(name: string, holder: string, until: number): Promise<string | null> {
    this.assertOpen();
    const current = this.checkpoints.get(name);
    if (current === undefined) return null;
    const held = heldCheckpoint({ position: holdOf(current)?.position ?? current, holder, until });
    this.checkpoints.set(name, held);
    return held;
  }

  async commit(name: string, expected: string | null, next: string, changes: readonly DocumentChange[]): Promise<void> {
    await this.commitAll([{ name, expected, next }], changes);
  }

  async commitAll(moves: readonly CheckpointMove[], changes: readonly DocumentChange[]): Promise<void> {
    this.assertOpen();
    for (const change of changes) {
      if (change.kind === 'patchWhere') servingIndex(this.indexes, change.collection, Object.keys(change.where), undefined, true);
    }
    const prepared = changes.map((change): DocumentChange => {
      if (change.kind === 'put') return { ...change, document: stored(change.document) };
      if (change.kind === 'delete') return change;
      plain(change.collection, 'collection');
      for (const field of [...Object.keys(change.where), ...Object.keys(change.set)]) plain(field, 'field');
      return { ...change, set: stored(change.set) };
    });
    for (const { name, expected } of moves) if ((this.checkpoints.get(name) ?? null) !== expected) throw new CheckpointMovedError(name);
    for (const change of prepared) {
      if (change.kind === 'put') this.collection(change.collection).set(change.document.id, change.document);
      else if (change.kind === 'delete') this.collections.get(change.collection)?.delete(change.id);
      else this.patchWhere(change.collection, change.where, change.set);
    }
    for (const { name, expected, next } of moves) if (next !== undefined && next !== expected) this.checkpoints.set(name, next);
  }

  private patchWhere(collection: string, where: Readonly<Record<string, Scalar>>, set: Readonly<Record<string, unknown>>): void {
    if (Object.keys(set).length === 0) return;
    const documents = this.collections.get(collection);
    if (!documents) return;
    for (const [id, document] of documents) {
      // Spread, not assignment: a field named like an Object.prototype member is just a field.
      if (matches(document, where)) documents.set(id, stored({ ...document, ...set }));
    }
  }

  async recordTime(collection: string, id: string, field: string, at: string, minIntervalMs: number): Promise<void> {
    this.assertOpen();
    plain(field, 'field');
    const threshold = new Date(Date.parse(at) - minIntervalMs).toISOString();
    const documents = this.collection(collection);
    const document = documents.get(id);
    if (!document) {
      documents.set(id, { id, [field]: at });
      return;
    }
    const current = sqlValue(document[field]);
    if (current === null || compareSql(current, threshold) < 0) documents.set(id, { ...document, [field]: at });
  }

  async reset(name: string, collections: readonly string[]): Promise<void> {
    this.assertOpen();
    for (const collection of collections) this.collections.delete(collection);
    this.checkpoints.delete(name);
  }

  /** Atomic as SQLite's: every check is made first, and nothing runs between it and the changes. */
  async swapShadow(swap: ShadowSwap): Promise<void> {
    this.assertOpen();
    assertShadowSwap(swap);
    const positions = swap.checkpoints.map(({ shadow }) => {
      const position = this.checkpoints.get(shadow);
      if (position === undefined) throw new NoShadowCheckpointError(shadow);
      return position;
    });
    const expected = expectedCheckpoints(swap);
    for (const { name, value } of expected) {
      const stored = this.checkpoints.get(name) ?? null;
      if (stored !== value) throw new CheckpointMovedError(name);
    }
    for (const { live } of swap.collections) this.collections.delete(live);
    for (const { live, shadow } of swap.collections) {
      const documents = this.collections.get(shadow);
      if (!documents) continue;
      this.collections.set(live, documents);
      this.collections.delete(shadow);
    }
    swap.checkpoints.forEach(({ live, shadow }, i) => {
      this.checkpoints.set(live, positions[i]!);
      this.checkpoints.delete(shadow);
    });
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private collection(name: string): Collection {
    let documents = this.collections.get(name);
    if (!documents) {
      documents = new Map();
      this.collections.set(name, documents);
    }
    return documents;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the in-memory read store is closed');
  }
}
