import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  WrongExpectedRevisionError,
  fromRevisionOf,
} from './event-store.port';

export type InMemoryEventStoreOptions = Readonly<{
  /** The time stamped on appended events (`recordedAt`); the real clock when absent. */
  now?: () => Date;
  /** Behave as EventStoreDB does for appends at 'any' (see EventStore.idempotentWithAnyRevision); default true. */
  idempotentWithAnyRevision?: boolean;
}>;

/** An event as the log keeps it: data and metadata as JSON text, as the SQLite file does. */
type StoredEvent = Readonly<{
  id: string;
  stream: string;
  revision: number;
  position: number;
  type: string;
  data: string;
  metadata: string;
  recordedAt: string;
}>;

const at = (position: number): Position => ({ commit: BigInt(position), prepare: BigInt(position) });

/**
 * The event store in memory, for handler and projection specs: the same port and the same contract as
 * the SQLite log (one global position per event, commit = prepare, counted from 1; unique (stream,
 * revision); unique event id; a retry recognised by its event ids), with nothing to open or clean up.
 *
 * Data and metadata are kept as JSON text, as SQLite keeps them: what a caller reads is a fresh copy,
 * and a value JSON cannot hold (a bigint, a Date) fails or changes here just as it would there.
 *
 * Every operation runs to completion in one turn of the event loop, so two appends never interleave.
 * Subscriptions are pull-based: they read the next event only when asked, and wait for the next append
 * (or the signal, or close) when they have read everything. No timers.
 */
export class InMemoryEventStore implements EventStore {
  private readonly log: StoredEvent[] = [];
  /** Per stream, the indexes in `log` of its events, in revision order. */
  private readonly streams = new Map<string, number[]>();
  /** Per event id, its index in `log`. */
  private readonly byId = new Map<string, number>();
  /** Subscriptions waiting for the next append. */
  private readonly waiting = new Set<() => void>();
  private readonly now: () => Date;
  private closed = false;
  readonly idempotentWithAnyRevision: boolean;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.idempotentWithAnyRevision = options.idempotentWithAnyRevision ?? true;
  }

  async streamRevision(stream: string): Promise<bigint | 'no_stream'> {
    this.assertOpen();
    const indexes = this.streams.get(stream);
    return indexes === undefined ? 'no_stream' : BigInt(indexes.length - 1);
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new Error('append needs at least one event');
    const retried = this.previousAppend(stream, events);
    if (retried) return retried;
    if (new Set(events.map((event) => event.id)).size !== events.length) {
      throw new Error(`stream ${stream}: an append holds the same event id twice`);
    }
    const indexes = this.streams.get(stream);
    const last = indexes === undefined ? null : indexes.length - 1;
    const matches =
      expected === 'any' || (expected === 'no_stream' ? last === null : last !== null && BigInt(last) === expected);
    if (!matches) throw new WrongExpectedRevisionError(stream, expected, last === null ? 'no_stream' : BigInt(last));
    // Serialised before anything is stored: an event JSON cannot hold fails the whole append.
    const serialised = events.map((event) => ({ event, data: JSON.stringify(event.data), metadata: JSON.stringify(event.metadata) }));
    const recordedAt = this.now().toISOString();
    const stored = indexes ?? [];
    for (const { event, data, metadata } of serialised) {
      const index = this.log.length;
      this.log.push({ id: event.id, stream, revision: stored.length, position: index + 1, type: event.type, data, metadata, recordedAt });
      stored.push(index);
      this.byId.set(event.id, index);
    }
    this.streams.set(stream, stored);
    this.wake();
    return { nextRevision: BigInt(stored.length - 1), position: at(this.log.length) };
  }

  /**
   * As the SQLite log: when every event is already stored, with the same id, type and data, in order,
   * in this stream, the append is a retry of that one and answers its result. Any other reuse of an id
   * is refused.
   */
  private previousAppend(stream: string, events: readonly NewEvent[]): AppendResult | null {
    const found = events.map((event) => {
      const index = this.byId.get(event.id);
      return index === undefined ? undefined : this.log[index]!;
    });
    if (found.every((event) => event === undefined)) return null;
    const consecutive = found.every(
      (event, index) =>
        event !== undefined &&
        event.stream === stream &&
        event.revision === found[0]!.revision + index &&
        event.type === events[index]!.type &&
        event.data === JSON.stringify(events[index]!.data),
    );
    if (!consecutive) {
      const length = this.streams.get(stream)?.length;
      throw new WrongExpectedRevisionError(stream, 'any', length === undefined ? 'no_stream' : BigInt(length - 1));
    }
    const last = found[found.length - 1]!;
    return { nextRevision: BigInt(last.revision), position: at(last.position) };
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const from = fromRevisionOf(options);
    const indexes = this.streams.get(stream) ?? [];
    // An event's revision is its place in the stream's list.
    if (from >= BigInt(indexes.length)) return [];
    return indexes.slice(Number(from)).map((index) => toRecorded(this.log[index]!));
  }

  async readEventsById(stream: string, ids: readonly string[]): Promise<RecordedEvent[]> {
    this.assertOpen();
    const found = ids.flatMap((id) => {
      const index = this.byId.get(id);
      const event = index === undefined ? undefined : this.log[index]!;
      return event?.stream === stream ? [event] : [];
    });
    return found.sort((a, b) => a.revision - b.revision).map(toRecorded);
  }

  async *subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    const { signal } = options;
    // The event at position p is log[p - 1]: the first one after `after` is log[after].
    let next = options.after ? Number(options.after.commit) : 0;
    while (!signal?.aborted && !this.closed) {
      const event = this.log[next];
      if (event === undefined) {
        await this.nextAppend(signal);
        continue;
      }
      next += 1;
      yield toRecorded(event);
    }
  }

  /** Resolves on the next append, on close, or when the signal aborts. */
  private nextAppend(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.waiting.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiting.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    for (const done of [...this.waiting]) done();
  }

  async headPosition(): Promise<Position | null> {
    this.assertOpen();
    return this.log.length === 0 ? null : at(this.log.length);
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the in-memory event store is closed');
  }
}

function toRecorded(event: StoredEvent): RecordedEvent {
  return {
    id: event.id,
    stream: event.stream,
    revision: BigInt(event.revision),
    position: at(event.position),
    type: event.type,
    data: JSON.parse(event.data) as Record<string, unknown>,
    metadata: JSON.parse(event.metadata) as Record<string, unknown>,
    recordedAt: event.recordedAt,
  };
}
