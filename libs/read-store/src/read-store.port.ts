/**
 * The read store port (DESIGN.md §2): read-model collections of JSON documents and projection
 * checkpoints. Adapters: SQLite (embedded) and MongoDB. Projection code is written once against it.
 */

/** A read-model document. `id` is its key within the collection. */
export type Document = Readonly<{ id: string } & Record<string, unknown>>;

export type Scalar = string | number | boolean | null;

export type DocumentChange =
  | Readonly<{ kind: 'put'; collection: string; document: Document }>
  | Readonly<{ kind: 'delete'; collection: string; id: string }>
  /** Sets top-level fields of every document matching `where` (e.g. redacting an erased entity's events). */
  | Readonly<{ kind: 'patchWhere'; collection: string; where: Readonly<Record<string, Scalar>>; set: Readonly<Record<string, unknown>> }>;

export type FindQuery = Readonly<{
  /** Equality on top-level fields. */
  where?: Readonly<Record<string, Scalar>>;
  /** Order by this top-level field, then by id (both ascending). Default: id alone. */
  orderBy?: string;
  /** Keyset pagination: only documents after this (orderBy value, id) pair. */
  after?: Readonly<{ value: Scalar; id: string }>;
  limit: number;
}>;

/** An index to keep on a collection: equality fields first, then the sort field (the id comes last, implicitly). */
export type IndexSpec = Readonly<{ collection: string; fields: readonly string[] }>;

/** A query that no declared index serves: it would scan the collection, so it is refused instead. */
export class NoIndexError extends Error {
  constructor(collection: string, where: readonly string[], orderBy: string | undefined) {
    super(
      `no declared index of ${collection} serves equality on (${where.join(', ')})${orderBy ? ` ordered by ${orderBy}` : ''}: ` +
        'declare one in the projection, or the query would scan the collection',
    );
    this.name = 'NoIndexError';
  }
}

/**
 * The declared index that serves a query on its own, or 'primary' for the primary key (no equality, id
 * order): the equality fields, in any order, then the sort field. With `prefixOnly` (updates, which need
 * no order) an index whose first fields are the equality fields serves too. Both adapters choose with this,
 * so a query that would scan fails the same way on either (NoIndexError) instead of getting slower with
 * every document.
 */
export function servingIndex(
  indexes: readonly IndexSpec[],
  collection: string,
  where: readonly string[],
  orderBy: string | undefined,
  prefixOnly = false,
): IndexSpec | 'primary' {
  if (where.length === 0 && orderBy === undefined) return 'primary';
  const wanted = new Set(where);
  const found = indexes.find((index) => {
    if (index.collection !== collection) return false;
    const equality = index.fields.slice(0, wanted.size);
    if (equality.length !== wanted.size || !equality.every((field) => wanted.has(field))) return false;
    if (prefixOnly) return true;
    const rest = index.fields.slice(wanted.size);
    return orderBy === undefined ? rest.length === 0 : rest.length === 1 && rest[0] === orderBy;
  });
  if (!found) throw new NoIndexError(collection, where, orderBy);
  return found;
}

export class CheckpointMovedError extends Error {
  constructor(readonly checkpoint: string) {
    super(`checkpoint ${checkpoint} was moved by another projector`);
    this.name = 'CheckpointMovedError';
  }
}

/**
 * One checkpoint of a commit (ReadStore.commitAll): compare-and-set from `expected` (null: none stored) to
 * `next`; without `next` it is only compared, and left as it is.
 */
export type CheckpointMove = Readonly<{ name: string; expected: string | null; next?: string }>;

/**
 * A checkpoint held by a rebuild (ReadStore.holdCheckpoint): its projector leaves the projection alone, at
 * `position`, until the rebuild swaps its shadow in or `until` (epoch ms) has passed.
 */
export type CheckpointHold = Readonly<{ position: string; holder: string; until: number }>;

const HELD = 'held:';

/** The stored value of a held checkpoint. */
export function heldCheckpoint(hold: CheckpointHold): string {
  return HELD + JSON.stringify({ position: hold.position, holder: hold.holder, until: hold.until });
}

/** The hold a stored checkpoint value stands for, or null when it is not held. */
export function holdOf(value: string): CheckpointHold | null {
  if (!value.startsWith(HELD)) return null;
  const parsed = JSON.parse(value.slice(HELD.length)) as CheckpointHold;
  return { position: parsed.position, holder: parsed.holder, until: parsed.until };
}

/**
 * The position a stored checkpoint value stands for, held or not, without the tag a rebuild's swap adds
 * (`<position>#<tag>`: a value the live checkpoint never had before, so a commit staged against the old read
 * model cannot land on the rebuilt one).
 */
export function checkpointPosition(value: string): string {
  const position = holdOf(value)?.position ?? value;
  const tag = position.indexOf('#');
  return tag === -1 ? position : position.slice(0, tag);
}

/** One projection of a shadow swap: its live checkpoint, which takes its shadow checkpoint's value. */
export type ShadowCheckpointSwap = Readonly<{
  /** The live checkpoint's name. */
  live: string;
  /** The shadow checkpoint's name; removed by the swap. */
  shadow: string;
  /**
   * When given: the live checkpoint must still be this (null: none) for the swap to happen, else it throws
   * CheckpointMovedError and changes nothing; so the rebuilt read models never go live behind a commit the
   * live projector made meanwhile.
   */
  expectedLive?: string | null;
  /**
   * When given: the shadow checkpoint must still be this, else CheckpointMovedError and nothing changes; so
   * a rebuild swaps in only the shadow it caught up itself, never one another rebuild has reset meanwhile.
   */
  expectedShadow?: string;
}>;

/** A shadow rebuild to make live (ReadStore.swapShadow): projections that go live together, in one step. */
export type ShadowSwap = Readonly<{
  /** At least one. */
  checkpoints: readonly ShadowCheckpointSwap[];
  /** Each live collection and the shadow collection whose documents replace its own. */
  collections: readonly Readonly<{ live: string; shadow: string }>[];
  /**
   * Other checkpoints that must still have these values for the swap to happen (compared, not changed),
   * else CheckpointMovedError and nothing changes: a new projection goes live only while the hold that keeps
   * the acknowledged writes behind its rebuilt position still stands.
   */
  unchanged?: readonly Readonly<{ name: string; value: string }>[];
}>;

/**
 * Refuses a swap whose names overlap (a collection swapped onto itself, or named twice, would lose its
 * documents; a checkpoint swapped onto itself would be removed; one both swapped and kept unchanged is a
 * contradiction). Every adapter checks with this first.
 */
export function assertShadowSwap(swap: ShadowSwap): void {
  if (swap.checkpoints.length === 0) throw new Error('shadow swap of no checkpoint');
  const checkpoints = [...swap.checkpoints.flatMap(({ live, shadow }) => [live, shadow]), ...(swap.unchanged ?? []).map(({ name }) => name)];
  const again = checkpoints.find((name, i) => checkpoints.indexOf(name) !== i);
  if (again !== undefined) throw new Error(`shadow swap names checkpoint ${again} twice`);
  const names = swap.collections.flatMap(({ live, shadow }) => [live, shadow]);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new Error(`shadow swap names collection ${repeated} twice`);
}

/** Every checkpoint a swap compares before it changes anything, with the value it must have (null: none). */
export function expectedCheckpoints(swap: ShadowSwap): { name: string; value: string | null }[] {
  return [
    ...swap.checkpoints.flatMap(({ live, expectedLive }) => (expectedLive === undefined ? [] : [{ name: live, value: expectedLive }])),
    ...swap.checkpoints.flatMap(({ shadow, expectedShadow }) => (expectedShadow === undefined ? [] : [{ name: shadow, value: expectedShadow }])),
    ...(swap.unchanged ?? []),
  ];
}

/**
 * A swap that failed after it had begun to change the live read models (MongoDB: after its renames, which
 * cannot join its transaction). Not to be retried as it is: the shadow collections are gone. The checkpoints
 * stay fenced (held) for ten minutes; rebuild again within them.
 */
export class SwapIncompleteError extends Error {
  constructor(readonly checkpoint: string) {
    super(`the swap renamed its collections, but checkpoint ${checkpoint} had moved meanwhile: run the rebuild again within ten minutes`);
    this.name = 'SwapIncompleteError';
  }
}

/** The shadow checkpoint of a swap does not exist: there is no finished rebuild to make live. */
export class NoShadowCheckpointError extends Error {
  constructor(readonly checkpoint: string) {
    super(`no shadow checkpoint ${checkpoint}: nothing to swap`);
    this.name = 'NoShadowCheckpointError';
  }
}

export interface ReadStore {
  ensureIndexes(indexes: readonly IndexSpec[]): Promise<void>;
  get(collection: string, id: string): Promise<Document | null>;
  /** The documents of these ids that exist, in any order. */
  getMany(collection: string, ids: readonly string[]): Promise<Document[]>;
  find(collection: string, query: FindQuery): Promise<Document[]>;
  /** The stored checkpoint (an opaque string the projector writes), or null. */
  getCheckpoint(name: string): Promise<string | null>;
  /**
   * Atomically: checks that the checkpoint still equals `expected` (else throws CheckpointMovedError and
   * changes nothing), applies the changes in order, and stores `next` as the checkpoint.
   */
  commit(name: string, expected: string | null, next: string, changes: readonly DocumentChange[]): Promise<void>;
  /**
   * The same with several checkpoints: atomically, checks every move's `expected` (else throws
   * CheckpointMovedError naming the first that differs, and changes nothing), applies the changes in order,
   * and stores each move's `next`. A projector whose projections keep a checkpoint each commits them so.
   */
  commitAll(moves: readonly CheckpointMove[], changes: readonly DocumentChange[]): Promise<void>;
  /** The stored checkpoints of these names (those that exist), in one read. */
  getCheckpoints(names: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /**
   * Atomically replaces the checkpoint's value with a hold on its position (heldCheckpoint; a value already
   * held is held anew, at the same position), whatever the value was, and answers the stored hold; null when
   * there is no such checkpoint (nothing is written). The checkpoint's projector, whose next commit expects
   * the old value, finds it moved and leaves the projection alone (see Projector).
   */
  holdCheckpoint(name: string, holder: string, until: number): Promise<string | null>;
  /**
   * Data that is not an event (a key's lastUsedAt): sets `field` of document `id` to `at` (an ISO time),
   * creating the document `{ id, [field]: at }` if needed, unless the stored time is already later than
   * `at - minIntervalMs`. Conditional in the store, so several processes write at most once per interval.
   */
  recordTime(collection: string, id: string, field: string, at: string, minIntervalMs: number): Promise<void>;
  /** Removes every document of these collections and the checkpoint, for a rebuild from the log. */
  reset(name: string, collections: readonly string[]): Promise<void>;
  /**
   * Makes a shadow rebuild live: for each pair, the live collection's documents are removed and the shadow
   * collection's documents become the live collection's (same ids, same documents); each live checkpoint is
   * set to its shadow checkpoint's value and the shadow checkpoint is removed. Throws (changing nothing) when a
   * shadow checkpoint does not exist (NoShadowCheckpointError), a checkpoint is not as expected
   * (CheckpointMovedError: `expectedLive`, `unchanged`) or the names overlap (assertShadowSwap).
   * SQLite and in memory: one transaction, so a reader sees the old read models or the new ones, never a mix.
   * MongoDB: see the adapter's comment.
   */
  swapShadow(swap: ShadowSwap): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
