import type { RecordedEvent } from '@onehazel/event-store';
import type { Document, DocumentChange, IndexSpec, ReadStore, Scalar } from '@onehazel/read-store';

/** What a projection may do to the read model while applying an event. */
export interface ReadModelWriter {
  get<T extends Document>(collection: string, id: string): Promise<T | null>;
  put(collection: string, document: Document): void;
  delete(collection: string, id: string): void;
  /** Sets fields of every document of the collection matching `where` (staged documents included). */
  patchWhere(collection: string, where: Readonly<Record<string, Scalar>>, set: Readonly<Record<string, unknown>>): void;
}

/** A read model fed by the log. Written once, against the read-store port. */
export interface Projection {
  readonly name: string;
  readonly collections: readonly string[];
  /**
   * Collections of other projections it reads while applying an event (api keys copy their operator's
   * status). It is then rebuilt, held and swapped in together with them, and not applied while they are
   * held: it reads them as of the same event.
   */
  readonly reads?: readonly string[];
  readonly indexes: readonly IndexSpec[];
  apply(event: RecordedEvent, writer: ReadModelWriter): Promise<void>;
}

/**
 * Collects a batch's changes in memory, reading its own writes first, so that the whole batch and its
 * checkpoint can be committed to the read store in one atomic step.
 *
 * A batch staged while the previous one is still being committed reads through that one (`previous`):
 * its documents, and its patches over documents read from the store, as they will be once it has
 * committed. Reading the store after the previous batch committed gives the same documents (its patches
 * set fields to values, so applying them again changes nothing). `committed()` drops the link.
 */
export class StagedChanges implements ReadModelWriter {
  private readonly staged = new Map<string, Document | null>();
  private readonly changes: DocumentChange[] = [];
  /** This batch's patches, in order: a document read from the store later in the batch gets them too. */
  private readonly patches: { collection: string; where: Readonly<Record<string, Scalar>>; set: Readonly<Record<string, unknown>> }[] = [];

  constructor(
    private readonly store: ReadStore,
    private previous: StagedChanges | null = null,
  ) {}

  /** The previous batch has committed: the store holds its changes, so reads no longer go through it. */
  previousCommitted(): void {
    this.previous = null;
  }

  async get<T extends Document>(collection: string, id: string): Promise<T | null> {
    const key = `${collection}\u0000${id}`;
    if (this.staged.has(key)) return this.staged.get(key) as T | null;
    let document = this.previous ? await this.previous.get(collection, id) : await this.store.get(collection, id);
    // The stored document predates every change of this batch: a patch staged earlier applies to it, or
    // a projection that puts it back whole would undo the patch (a key renamed after its operator's suspension).
    for (const patch of this.patches) {
      if (document && patch.collection === collection && matches(document, patch.where)) document = { ...document, ...patch.set };
    }
    return document as T | null;
  }

  put(collection: string, document: Document): void {
    this.staged.set(`${collection}\u0000${document.id}`, document);
    this.changes.push({ kind: 'put', collection, document });
  }

  delete(collection: string, id: string): void {
    this.staged.set(`${collection}\u0000${id}`, null);
    this.changes.push({ kind: 'delete', collection, id });
  }

  patchWhere(collection: string, where: Readonly<Record<string, Scalar>>, set: Readonly<Record<string, unknown>>): void {
    const prefix = `${collection}\u0000`;
    for (const [key, document] of this.staged) {
      if (key.startsWith(prefix) && document && matches(document, where)) this.staged.set(key, { ...document, ...set });
    }
    this.patches.push({ collection, where, set });
    this.changes.push({ kind: 'patchWhere', collection, where, set });
  }

  list(): readonly DocumentChange[] {
    return this.changes;
  }
}

function matches(document: Document, where: Readonly<Record<string, Scalar>>): boolean {
  return Object.entries(where).every(([name, value]) => document[name] === value);
}

/**
 * The projections that go together with `names`: those connected to them by what one reads of another's
 * collections (see Projection.reads), in the order of `projections`.
 */
export function withDependencies(projections: readonly Projection[], names: readonly string[]): Projection[] {
  const owner = new Map<string, Projection>();
  for (const projection of projections) for (const collection of projection.collections) owner.set(collection, projection);
  const linked = new Map<Projection, Set<Projection>>(projections.map((projection) => [projection, new Set()]));
  for (const projection of projections) {
    for (const collection of projection.reads ?? []) {
      const other = owner.get(collection);
      if (!other || other === projection) continue;
      linked.get(projection)!.add(other);
      linked.get(other)!.add(projection);
    }
  }
  const found = new Set(projections.filter((projection) => names.includes(projection.name)));
  for (const projection of found) for (const other of linked.get(projection)!) found.add(other); // a Set iterates what is added meanwhile
  return projections.filter((projection) => found.has(projection));
}
