import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult as DbAppendResult,
  type Position as DbPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  AppendResult,
  AppendTooLargeError,
  EventData,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  WrongExpectedRevisionError,
  comparePositions,
  fromRevisionOf,
} from './event-store.port';

/** Stream reads on servers before 22.6 carry no log position; such events read as position 0/0. */
const UNKNOWN_POSITION: Position = { commit: 0n, prepare: 0n };
/** Old servers report "no position" as the unsigned form of -1. */
const MAX_VALID_POSITION = 2n ** 63n - 1n;
const PING_DEADLINE_MS = 5_000;
/**
 * Every call but the subscription has a deadline, so that a server that stops answering fails the call
 * instead of holding it (and the request behind it) without limit.
 */
const DEADLINE_MS = 10_000;
/** EventStoreDB's default MaxAppendSize (1 MiB): an append over it is refused by the server after it is sent. */
export const DEFAULT_MAX_APPEND_BYTES = 1_048_576;
/** Stream revisions are unsigned 64-bit: the client refuses to read from past this one. */
const MAX_REVISION = 2n ** 64n - 1n;

type DbRecordedEvent = NonNullable<ResolvedEvent['event']>;

/**
 * The production event store: EventStoreDB over gRPC. Appends are atomic per stream and guarded by the
 * expected revision; event ids come from the caller, so a retried append is recognised by the server and
 * answers the original revision and position. An append's position is that of its last event, the
 * position a subscription delivers that event at. Subscriptions are catch-up subscriptions to $all
 * without system events, consumed pull by pull, and end when their signal aborts.
 *
 * Needs EventStoreDB 22.10 or later (stream reads carry log positions) and, on a secure server,
 * credentials that may read $all.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;

  /** `maxAppendBytes`: the server's MaxAppendSize; an append over it is refused before it is sent (AppendTooLargeError). */
  constructor(
    connectionString: string,
    private readonly maxAppendBytes = DEFAULT_MAX_APPEND_BYTES,
  ) {
    try {
      this.client = EventStoreDBClient.connectionString(connectionString);
    } catch {
      // The parser's message quotes the connection string, which may hold a password.
      throw new Error('EVENTSTORE_URL is not a valid EventStoreDB connection string');
    }
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    // What the server counts against MaxAppendSize: each event's data and metadata, as JSON bytes.
    const bytes = events.reduce((sum, event) => sum + Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata)), 0);
    if (bytes > this.maxAppendBytes) throw new AppendTooLargeError(stream, bytes, this.maxAppendBytes);
    const proposed = events.map((event) =>
      jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata }),
    );
    let result: DbAppendResult;
    try {
      result = await this.client.appendToStream(stream, proposed, { expectedRevision: toDbExpected(expected), deadline: DEADLINE_MS });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        throw new WrongExpectedRevisionError(stream, expected, error.actualVersion);
      }
      throw error;
    }
    if (!result.success) {
      // Only when the connection string sets throwOnAppendFailure=false.
      const actual = result.nextExpectedRevision < 0n ? 'no_stream' : result.nextExpectedRevision;
      throw new WrongExpectedRevisionError(stream, expected, actual);
    }
    const nextRevision = result.nextExpectedRevision;
    const reported = result.position && isKnown(result.position) ? toPosition(result.position) : null;
    // A fresh append reports its last event's position. A retry recognised by its ids reports whatever
    // the server kept for it, which for several events may be the first one's: read the last one back.
    const position =
      reported !== null && events.length === 1
        ? reported
        : ((await this.positionOf(stream, nextRevision, events[events.length - 1]!.id)) ?? reported);
    if (position === null) throw new Error(`stream ${stream}: the server reported no position for the append`);
    return { nextRevision, position };
  }

  /** The log position of the event at `revision` of the stream, if it is the expected event. */
  private async positionOf(stream: string, revision: bigint, eventId: string): Promise<Position | null> {
    const read = this.client.readStream(stream, { direction: BACKWARDS, fromRevision: revision, maxCount: 1, deadline: DEADLINE_MS });
    try {
      for await (const resolved of read) {
        const event = resolved.event;
        if (!event || event.id.toLowerCase() !== eventId.toLowerCase()) return null;
        return event.position && isKnown(event.position) ? toPosition(event.position) : null;
      }
      return null;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    } finally {
      await read.cancel().catch(() => undefined);
    }
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const from = fromRevisionOf(options);
    if (from > MAX_REVISION) return [];
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(stream, { direction: FORWARDS, fromRevision: from === 0n ? START : from, deadline: DEADLINE_MS });
      for await (const resolved of read) {
        if (resolved.event) events.push(toRecorded(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /** EventStoreDB recognises a resent append for sure only at an expected revision (with 'any', from a cache). */
  readonly idempotentWithAnyRevision = false;

  async streamRevision(stream: string): Promise<bigint | 'no_stream'> {
    const read = this.client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1, deadline: DEADLINE_MS });
    try {
      for await (const resolved of read) if (resolved.event) return resolved.event.revision;
      return 'no_stream';
    } catch (error) {
      if (error instanceof StreamNotFoundError) return 'no_stream';
      throw error;
    } finally {
      await read.cancel().catch(() => undefined);
    }
  }

  async readEventsById(stream: string, ids: readonly string[]): Promise<RecordedEvent[]> {
    const wanted = new Set(ids.map((id) => id.toLowerCase()));
    const found: RecordedEvent[] = [];
    // Newest first: a retry looks for a recent command, so the read usually stops after a few events.
    const read = this.client.readStream(stream, { direction: BACKWARDS, fromRevision: END, deadline: DEADLINE_MS });
    try {
      for await (const resolved of read) {
        const event = resolved.event;
        if (!event || !wanted.delete(event.id.toLowerCase())) continue;
        found.push(toRecorded(event));
        if (wanted.size === 0) break;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    } finally {
      await read.cancel().catch(() => undefined);
    }
    return found.reverse();
  }

  async *subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    const { signal } = options;
    if (signal?.aborted) return;
    let last: Position | null = options.after ?? null;
    const subscription = this.client.subscribeToAll({
      fromPosition: last ? toDbPosition(last) : START,
      filter: excludeSystemEvents(),
    });
    // Ending the readable makes the pending read settle, even while the consumer is not pulling.
    const stop = (): void => {
      subscription.destroy();
    };
    signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
        if (signal?.aborted) return;
        const event = resolved.event;
        if (!event) continue;
        const recorded = toRecorded(event);
        // Strictly after `after`, and never the same position twice (catch-up to live hand-over).
        if (last !== null && comparePositions(recorded.position, last) <= 0) continue;
        last = recorded.position;
        yield recorded;
      }
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    } finally {
      signal?.removeEventListener('abort', stop);
      await subscription.unsubscribe().catch(() => undefined);
      subscription.destroy();
    }
  }

  async headPosition(): Promise<Position | null> {
    // readAll takes no server-side filter in this client: walk back past system events ($stats, ...),
    // which subscriptions never deliver, to the last event a projector can reach.
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, deadline: DEADLINE_MS });
    try {
      for await (const resolved of read) {
        const event = resolved.event;
        if (event && !isSystemEvent(event.type)) return toPosition(event.position);
      }
      return null;
    } finally {
      await read.cancel().catch(() => undefined);
    }
  }

  async ping(): Promise<void> {
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, deadline: PING_DEADLINE_MS });
    try {
      for await (const _resolved of read) break;
    } finally {
      await read.cancel().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

function toDbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'any':
      return ANY;
    default:
      return expected;
  }
}

function isSystemEvent(type: string): boolean {
  return type.startsWith('$');
}

function isKnown(position: DbPosition): boolean {
  return position.commit >= 0n && position.commit <= MAX_VALID_POSITION && position.prepare <= MAX_VALID_POSITION;
}

function toPosition(position: DbPosition): Position {
  return { commit: position.commit, prepare: position.prepare };
}

function toDbPosition(position: Position): DbPosition {
  return { commit: position.commit, prepare: position.prepare };
}

function toRecorded(event: DbRecordedEvent): RecordedEvent {
  return {
    id: event.id,
    stream: event.streamId,
    revision: event.revision,
    position: event.position && isKnown(event.position) ? toPosition(event.position) : UNKNOWN_POSITION,
    type: event.type,
    data: asObject(event.data, event, 'data'),
    metadata: event.metadata === undefined ? {} : asObject(event.metadata, event, 'metadata'),
    recordedAt: event.created.toISOString(),
  };
}

/** Every event this product writes has JSON objects as data and metadata; anything else is not ours. */
function asObject(value: unknown, event: DbRecordedEvent, part: 'data' | 'metadata'): EventData {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)) {
    return value as EventData;
  }
  throw new Error(`event ${event.id} (${event.type}) in stream ${event.streamId}: ${part} is not a JSON object`);
}
