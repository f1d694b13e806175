import { mongoClient } from '@onehazel/storage';
import {
  MongoClient,
  WriteConcern,
  type ClientSession,
  type Collection,
  type Db,
  type Filter,
  type Sort,
  type TransactionOptions,
} from 'mongodb';
import {
  assertShadowSwap,
  CheckpointMove,
  expectedCheckpoints,
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
  SwapIncompleteError,
} from './read-store.port';

/** A read-model document as MongoDB holds it: the document's `id` is its `_id`. */
type StoredDocument = { _id: string; [field: string]: unknown };
type StoredCheckpoint = { _id: string; position: string };

const CHECKPOINTS = 'checkpoints';
/** How long the hold a swap fences its live checkpoint with lasts, should the process die between its renames. */
const SWAP_FENCE_MS = 10 * 60_000;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COLLECTION = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const TRANSACTION: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: new WriteConcern('majority'),
  readPreference: 'primary',
};

/**
 * BSON sorts values of different types in brackets (null, numbers, strings, objects, ..., booleans,
 * dates); a range query only looks inside one bracket. These are the brackets after a value's own.
 */
const TYPES_AFTER: Record<'number' | 'string' | 'boolean', string[]> = {
  number: ['string', 'symbol', 'object', 'binData', 'objectId', 'bool', 'date', 'timestamp', 'regex', 'maxKey'],
  string: ['object', 'binData', 'objectId', 'bool', 'date', 'timestamp', 'regex', 'maxKey'],
  boolean: ['date', 'timestamp', 'regex', 'maxKey'],
};

/** The document field a port field name refers to; `id` is stored as `_id`. */
function path(name: string): string {
  if (!FIELD.test(name)) throw new Error(`not a plain field name: ${name}`);
  return name === 'id' ? '_id' : name;
}

function toStored(document: Document): StoredDocument {
  if ('_id' in document) throw new Error(`document ${document.id} has an _id field, which is reserved`);
  const { id, ...fields } = document;
  return { _id: id, ...fields };
}

function fromStored(stored: StoredDocument): Document {
  const { _id, ...fields } = stored;
  return { id: _id, ...fields };
}

/** An index's key pattern: its fields, then _id (the tie-breaker of every order). */
function keyPattern(index: IndexSpec): Record<string, 1> {
  return Object.fromEntries([...new Set([...index.fields.map(path), '_id'])].map((key) => [key, 1 as const]));
}

/** Documents after (value, id) in the order (field, _id), both ascending, the way MongoDB sorts them. */
function keysetAfter(field: string, value: Scalar, id: string): Filter<StoredDocument> {
  if (field === '_id') return { _id: { $gt: id } };
  const tie: Filter<StoredDocument> = { [field]: value, _id: { $gt: id } };
  // null (or a missing field) sorts first, so every other value is after it.
  if (value === null) return { $or: [{ [field]: { $ne: null } }, tie] };
  const later = TYPES_AFTER[typeof value as 'number' | 'string' | 'boolean'];
  return { $or: [{ [field]: { $gt: value } }, { [field]: { $type: later } }, tie] };
}

/** Dropping a collection that does not exist: already what was wanted (older servers report it as an error). */
function ignoreNamespaceNotFound(error: unknown): void {
  if ((error as { codeName?: unknown }).codeName !== 'NamespaceNotFound' && (error as { code?: unknown }).code !== 26) throw error;
}

/**
 * The production read store: MongoDB (a replica set, for transactions). One MongoDB collection per
 * read-model collection, `_id` = the document's id; checkpoints in the `checkpoints` collection. A
 * projection's changes and its checkpoint commit in one majority-acknowledged transaction that first
 * compares-and-sets the checkpoint, so two projectors racing from the same checkpoint cannot both apply
 * their changes, and a projector killed at any moment leaves either all of a batch or none of it.
 */
export class MongoReadStore implements ReadStore {
  private readonly client: MongoClient;
  private readonly db: Db;
  private indexes: readonly IndexSpec[] = [];

  constructor(url: string, dbName: string) {
    this.client = mongoClient(url);
    this.db = this.client.db(dbName);
  }


  private collection(name: string): Collection<StoredDocument> {
    if (!COLLECTION.test(name) || name === CHECKPOINTS) throw new Error(`not a usable collection name: ${name}`);
    return this.db.collection<StoredDocument>(name);
  }

  private get checkpoints(): Collection<StoredCheckpoint> {
    return this.db.collection<StoredCheckpoint>(CHECKPOINTS);
  }

  /** Creates the read models' declared indexes (idempotent: an existing index is kept), at every start. */
  async ensureIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    for (const index of indexes) await this.collection(index.collection).createIndex(keyPattern(index));
    this.indexes = [...this.indexes, ...indexes];
  }

  async get(collection: string, id: string): Promise<Document | null> {
    const stored = await this.collection(collection).findOne({ _id: id });
    return stored ? fromStored(stored) : null;
  }

  async find(collection: string, query: FindQuery): Promise<Document[]> {
    if (query.limit <= 0) return []; // MongoDB reads limit 0 as "no limit"
    const index = servingIndex(this.indexes, collection, Object.keys(query.where ?? {}), query.orderBy);
    const clauses: Filter<StoredDocument>[] = [];
    // Equality; `{ field: null }` matches null and a missing field alike.
    for (const [name, value] of Object.entries(query.where ?? {})) clauses.push({ [path(name)]: value });
    const order = query.orderBy ? path(query.orderBy) : '_id';
    if (query.after) clauses.push(keysetAfter(order, query.after.value, query.after.id));
    const filter: Filter<StoredDocument> = clauses.length > 0 ? { $and: clauses } : {};
    const sort: Sort = order === '_id' ? { _id: 1 } : { [order]: 1, _id: 1 };
    // The hint pins the plan to the index that serves the query, as the SQLite adapter's INDEXED BY does.
    const hint = index === 'primary' ? { _id: 1 } : keyPattern(index);
    const stored = await this.collection(collection).find(filter).sort(sort).hint(hint).limit(query.limit).toArray();
    return stored.map(fromStored);
  }

  async getCheckpoint(name: string): Promise<string | null> {
    const stored = await this.checkpoints.findOne({ _id: name });
    return stored?.position ?? null;
  }

  async getCheckpoints(names: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const stored = await this.checkpoints.find({ _id: { $in: [...names] } }).toArray();
    return new Map(stored.map((checkpoint) => [checkpoint._id, checkpoint.position]));
  }

  /**
   * Compare-and-set in a loop: read the value, replace it only if it is still that value. A commit of the
   * projector that falls between the two makes the replacement miss, and it reads again; the projector
   * commits at most once per batch, so this ends within a few rounds.
   */
  async holdCheckpoint(name: string, holder: string, until: number): Promise<string | null> {
    for (let round = 0; round < 100; round++) {
      const current = (await this.checkpoints.findOne({ _id: name }))?.position;
      if (current === undefined) return null;
      const held = heldCheckpoint({ position: holdOf(current)?.position ?? current, holder, until });
      const replaced = await this.checkpoints.updateOne({ _id: name, position: current }, { $set: { position: held } });
      if (replaced.matchedCount === 1) return held;
    }
    throw new CheckpointMovedError(name);
  }

  async commit(name: string, expected: string | null, next: string, changes: readonly DocumentChange[]): Promise<void> {
    await this.commitAll([{ name, expected, next }], changes);
  }

  async commitAll(moves: readonly CheckpointMove[], changes: readonly DocumentChange[]): Promise<void> {
    // Validate before the transaction: an error thrown inside it aborts it, but should not be a surprise.
    const writes = changes.map((change) => {
      const collection = this.collection(change.collection);
      if (change.kind === 'put') return { kind: 'put' as const, collection, document: toStored(change.document) };
      if (change.kind === 'delete') return { kind: 'delete' as const, collection, id: change.id };
      servingIndex(this.indexes, change.collection, Object.keys(change.where), undefined, true);
      const filter = Object.fromEntries(Object.entries(change.where).map(([name, value]) => [path(name), value]));
      const set = Object.fromEntries(Object.entries(change.set).map(([name, value]) => [path(name), value]));
      return { kind: 'patchWhere' as const, collection, filter, set };
    });
    const session = this.client.startSession();
    try {
      // Retried by the driver on transient errors (a write conflict with a racing projector): the retry
      // then finds the checkpoint moved and throws CheckpointMovedError, which aborts the transaction.
      await session.withTransaction(async () => {
        for (const move of moves) await this.moveCheckpoint(move, session);
        for (const write of writes) {
          if (write.kind === 'put') {
            const { _id, ...fields } = write.document;
            await write.collection.replaceOne({ _id }, fields, { upsert: true, session });
          } else if (write.kind === 'delete') {
            await write.collection.deleteOne({ _id: write.id }, { session });
          } else if (Object.keys(write.set).length > 0) {
            await write.collection.updateMany(write.filter, { $set: write.set }, { session });
          }
        }
      }, TRANSACTION);
    } finally {
      await session.endSession();
    }
  }

  /**
   * Compare-and-set of a checkpoint inside the commit's transaction. A move that only compares reads it in
   * the transaction's snapshot: a change made after the snapshot is not seen, but such a move writes nothing
   * of its projection's either (a projector leaves a projection it does not hold alone), and its next commit
   * sees the change.
   */
  private async moveCheckpoint({ name, expected, next }: CheckpointMove, session: ClientSession): Promise<void> {
    if (next === undefined || next === expected) {
      const current = (await this.checkpoints.findOne({ _id: name }, { session }))?.position ?? null;
      if (current !== expected) throw new CheckpointMovedError(name);
      return;
    }
    if (expected === null) {
      const inserted = await this.checkpoints.updateOne(
        { _id: name },
        { $setOnInsert: { position: next } },
        { upsert: true, session },
      );
      if (inserted.upsertedCount !== 1) throw new CheckpointMovedError(name);
      return;
    }
    const moved = await this.checkpoints.updateOne({ _id: name, position: expected }, { $set: { position: next } }, { session });
    if (moved.matchedCount !== 1) throw new CheckpointMovedError(name);
  }

  async getMany(collection: string, ids: readonly string[]): Promise<Document[]> {
    if (ids.length === 0) return [];
    const stored = await this.collection(collection).find({ _id: { $in: [...ids] } }).toArray();
    return stored.map(fromStored);
  }

  async recordTime(collection: string, id: string, name: string, at: string, minIntervalMs: number): Promise<void> {
    const field = path(name);
    if (field === '_id') throw new Error('recordTime cannot change a document id');
    const threshold = new Date(Date.parse(at) - minIntervalMs).toISOString();
    try {
      await this.collection(collection).updateOne(
        { _id: id, $or: [{ [field]: { $exists: false } }, { [field]: null }, { [field]: { $lt: threshold } }] },
        { $set: { [field]: at } },
        { upsert: true },
      );
    } catch (error) {
      // The document exists with a recent time: the filter missed it and the upsert's insert collided.
      if ((error as { code?: unknown }).code === 11000) return;
      throw error;
    }
  }

  async reset(name: string, collections: readonly string[]): Promise<void> {
    const targets = collections.map((collection) => this.collection(collection));
    // Not one transaction: a transaction cannot hold more than a few thousand deletions. The checkpoint
    // goes first, so that a projector committing meanwhile (it expects the checkpoint it last wrote) finds
    // it moved and commits nothing; then the documents are cleared, however many, keeping the indexes.
    // Only a projector starting from no checkpoint could commit in between: the rebuild's own, which starts
    // after this returns.
    await this.checkpoints.deleteOne({ _id: name });
    for (const target of targets) await target.deleteMany({});
  }

  /**
   * Each shadow collection is renamed onto its live one (`renameCollection` with `dropTarget`), then each live
   * checkpoint takes its shadow's value and the shadow checkpoints are removed (one transaction).
   *
   * Not one step across collections: each rename is atomic for its collection, but a rename cannot join a
   * transaction, so while the renames run (a few milliseconds) a reader may see some collections already
   * rebuilt and others not yet, each complete and consistent with itself. The indexes that stay are the
   * shadow collection's: they must have the live ones' specs, which ensureIndexes on the shadow names gives
   * (it is also what creates a shadow collection that received no document). A shadow collection that does
   * not exist at all (no index, no document) means an empty read model: the live one is dropped.
   *
   * The renames cannot join a transaction: every checkpoint the swap compares (`expectedLive` given, and
   * `unchanged`) is first moved, compare-and-set, to a hold of its own, a fence (the live projector leaves
   * a held projection alone, and no other swap or reclaim expects the fence); then the renames; then, in one
   * transaction, each fence moves to the shadow's value (or back to the value it had, for `unchanged`). A
   * live checkpoint expected not to exist is inserted by that transaction, which fails if it now exists. A
   * failure past the renames is SwapIncompleteError, never CheckpointMovedError: not a swap to retry as it is.
   *
   * A swap interrupted after its renames, before the checkpoints are written, is not to be retried as it is:
   * the shadow collections are gone, so a retry would drop the live ones; rebuild the shadow again instead,
   * within the fence's ten minutes (the projections stay held until then; after, the live projector would
   * take them back from the held position and apply again what the renamed collections already have).
   */
  async swapShadow(swap: ShadowSwap): Promise<void> {
    assertShadowSwap(swap);
    const pairs = swap.collections.map(({ live, shadow }) => ({ live: this.collection(live), shadow: this.collection(shadow) }));
    const shadows = await this.checkpoints.find({ _id: { $in: swap.checkpoints.map(({ shadow }) => shadow) } }).toArray();
    const positions = new Map(shadows.map((stored) => [stored._id, stored.position]));
    const missing = swap.checkpoints.find(({ shadow }) => !positions.has(shadow));
    if (missing) throw new NoShadowCheckpointError(missing.shadow);
    const fences = await this.fence(expectedCheckpoints(swap), `swap ${swap.checkpoints[0]!.shadow}`);
    for (const { live, shadow } of pairs) {
      const exists = (await this.db.listCollections({ name: shadow.collectionName }, { nameOnly: true }).toArray()).length > 0;
      if (exists) await this.db.renameCollection(shadow.collectionName, live.collectionName, { dropTarget: true });
      else await live.drop().catch(ignoreNamespaceNotFound);
    }
    const session = this.client.startSession();
    try {
      await session.withTransaction(async () => {
        // Past the renames, a checkpoint not as fenced (its fence lapsed, or another rebuild reset the
        // shadow) is no longer a swap to retry: SwapIncompleteError.
        const move = async (name: string, from: string, to: string): Promise<void> => {
          const moved = await this.checkpoints.updateOne({ _id: name, position: from }, { $set: { position: to } }, { session });
          if (moved.matchedCount !== 1) throw new SwapIncompleteError(name);
        };
        for (const { live, shadow, expectedLive } of swap.checkpoints) {
          const position = positions.get(shadow)!;
          const fence = fences.get(live);
          if (fence !== undefined) await move(live, fence, position);
          else if (expectedLive === null) await this.checkpoints.insertOne({ _id: live, position }, { session });
          else await this.checkpoints.updateOne({ _id: live }, { $set: { position } }, { upsert: true, session });
          const removed = await this.checkpoints.deleteOne(fences.has(shadow) ? { _id: shadow, position: fences.get(shadow)! } : { _id: shadow }, { session });
          if (removed.deletedCount !== 1) throw new SwapIncompleteError(shadow);
        }
        for (const { name, value } of swap.unchanged ?? []) await move(name, fences.get(name)!, value);
      }, TRANSACTION);
    } catch (error) {
      if ((error as { code?: unknown }).code === 11000) throw new SwapIncompleteError(swap.checkpoints.map(({ live }) => live).join(', '));
      throw error;
    } finally {
      await session.endSession();
    }
  }

  /**
   * Moves each existing checkpoint from its expected value to a hold of the swap's (compare-and-set), and
   * answers the fences by name; one expected not to exist is checked only. A checkpoint not as expected gives
   * the fences already taken back and throws CheckpointMovedError.
   */
  private async fence(expected: readonly { name: string; value: string | null }[], holder: string): Promise<Map<string, string>> {
    const fences = new Map<string, string>();
    const until = Date.now() + SWAP_FENCE_MS;
    try {
      for (const { name, value } of expected) {
        if (value === null) {
          if ((await this.checkpoints.countDocuments({ _id: name }, { limit: 1 })) > 0) throw new CheckpointMovedError(name);
          continue;
        }
        // The fence keeps the value it stands in for whole (a tag included), for a reclaim after it lapses.
        const fence = heldCheckpoint({ position: holdOf(value)?.position ?? value, holder, until });
        const fenced = await this.checkpoints.updateOne({ _id: name, position: value }, { $set: { position: fence } });
        if (fenced.matchedCount !== 1) throw new CheckpointMovedError(name);
        fences.set(name, fence);
      }
    } catch (error) {
      const value = new Map(expected.map((one) => [one.name, one.value!]));
      for (const [name, fence] of fences) await this.checkpoints.updateOne({ _id: name, position: fence }, { $set: { position: value.get(name)! } });
      throw error;
    }
    return fences;
  }

  async ping(): Promise<void> {
    await this.client.db('admin').command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
