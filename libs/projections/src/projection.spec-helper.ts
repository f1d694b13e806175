import type { EntityEvent, EntityEventRecorded, KeyRingEvent, OperatorEvent, OperatorTokenEvent, PlatformEvent, SettingsEvent } from '@onehazel/domain';
import { EventData, formatPosition, RecordedEvent } from '@onehazel/event-store';
import { Document, FindQuery, InMemoryReadStore } from '@onehazel/read-store';
import { allProjections } from './index';
import { Projection, ReadModelWriter, StagedChanges } from './projection';

/** Every event a projection of the product reads, with its real payload shape (checked by the compiler). */
export type ProjectedEvent = PlatformEvent | OperatorEvent | KeyRingEvent | OperatorTokenEvent | SettingsEvent | EntityEvent | EntityEventRecorded;

/**
 * For projection specs: given these events, then this read model. No I/O: the read model is an
 * InMemoryReadStore, which answers and refuses queries as the SQLite one does (a query no declared index
 * serves fails here too).
 *
 * `event` records an event at the next position of the log (1, 2, 3...; commit = prepare, as in SQLite),
 * and `batch` applies events through the projections as the projector does: staged together in one
 * StagedChanges (each event through every projection, in order), then committed with the new checkpoint,
 * compare-and-set on the one before.
 */
export class ProjectionSpec {
  readonly store = new InMemoryReadStore();
  /** The checkpoint the last committed batch stored (the projector's checkpoint format), or null. */
  checkpoint: string | null = null;
  private position = 0n;
  private readonly revisions = new Map<string, bigint>();

  private constructor(private readonly projections: readonly Projection[]) {}

  /** A fresh read model with the projections' indexes declared. */
  static async start(projections: readonly Projection[] = allProjections): Promise<ProjectionSpec> {
    const spec = new ProjectionSpec(projections);
    await spec.store.ensureIndexes(projections.flatMap((projection) => [...projection.indexes]));
    return spec;
  }

  /** The event as the log would deliver it, at the next position (and the next revision of its stream). */
  event(event: ProjectedEvent, stream = 'spec'): RecordedEvent {
    this.position += 1n;
    const revision = this.revisions.get(stream) ?? 0n;
    this.revisions.set(stream, revision + 1n);
    return {
      id: `event-${this.position}`,
      stream,
      revision,
      position: { commit: this.position, prepare: this.position },
      type: event.type,
      data: structuredClone(event.data) as unknown as EventData,
      metadata: { schemaVersion: 1 },
      recordedAt: '2026-01-01T00:00:00.000Z',
    };
  }

  /**
   * Stages the events through every projection and commits them with the last one's position as the
   * checkpoint, compare-and-set on `expected` (default: the checkpoint of the last batch), as the projector does.
   */
  async batch(events: readonly RecordedEvent[], expected: string | null = this.checkpoint): Promise<void> {
    const last = events[events.length - 1];
    if (!last) throw new Error('a batch holds at least one event');
    const staged = new StagedChanges(this.store);
    for (const recorded of events) for (const projection of this.projections) await projection.apply(recorded, declaredOnly(projection, staged));
    const next = formatPosition(last.position);
    await this.store.commit('main', expected, next, staged.list());
    this.checkpoint = next;
  }

  /** Each event recorded and committed in a batch of its own: the read model read back between them. */
  async given(...events: readonly ProjectedEvent[]): Promise<RecordedEvent[]> {
    const recorded = events.map((event) => this.event(event));
    for (const one of recorded) await this.batch([one]);
    return recorded;
  }

  /** All the events recorded and committed in one batch (each reads the others' staged changes). */
  async givenOneBatch(...events: readonly ProjectedEvent[]): Promise<RecordedEvent[]> {
    const recorded = events.map((event) => this.event(event));
    await this.batch(recorded);
    return recorded;
  }

  async get<T extends Document>(collection: string, id: string): Promise<T | null> {
    return (await this.store.get(collection, id)) as T | null;
  }

  async find<T extends Document>(collection: string, query: FindQuery): Promise<T[]> {
    return (await this.store.find(collection, query)) as T[];
  }
}

/** Collections no projection owns: written apart from the log (a key's uses), which a projection may clean up. */
const unowned = (collection: string): boolean => !allProjections.some((projection) => projection.collections.includes(collection));

/**
 * The writer a projection gets in every projection spec: it refuses a collection of another projection
 * that the projection does not declare in `reads`. An undeclared read would go unnoticed until a rebuild
 * of the one without the other (or while the other is held) read an empty or stale collection.
 */
function declaredOnly(projection: Projection, writer: ReadModelWriter): ReadModelWriter {
  const allowed = (collection: string, writes: boolean): string => {
    const own = projection.collections.includes(collection);
    if (own || unowned(collection) || (!writes && (projection.reads ?? []).includes(collection))) return collection;
    throw new Error(`projection ${projection.name} ${writes ? 'writes' : 'reads'} ${collection}, ${writes ? 'which is another projection’s' : 'which it does not declare in reads'}`);
  };
  return {
    get: (collection, id) => writer.get(allowed(collection, false), id),
    put: (collection, document) => writer.put(allowed(collection, true), document),
    delete: (collection, id) => writer.delete(allowed(collection, true), id),
    patchWhere: (collection, where, set) => writer.patchWhere(allowed(collection, true), where, set),
  };
}
