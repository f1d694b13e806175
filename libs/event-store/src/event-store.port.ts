/**
 * The event store port (DESIGN.md §2): append with an expected revision, read a stream,
 * subscribe to the whole log from a position. Adapters: SQLite (embedded) and EventStoreDB.
 */

/** A place in the global log. SQLite uses one number for both parts; EventStoreDB has commit and prepare. */
export type Position = Readonly<{ commit: bigint; prepare: bigint }>;

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function formatPosition(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

/** A string that sorts as the positions do (fixed-width digits), for read models ordered by log position. */
export function sortablePosition(position: Position): string {
  return `${position.commit.toString().padStart(20, '0')}.${position.prepare.toString().padStart(20, '0')}`;
}

export function parsePosition(text: string): Position {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) throw new Error(`not a log position: ${text}`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}

/**
 * What the writer expects of the stream: its last revision (0-based), that it does not exist yet,
 * or nothing at all.
 */
export type ExpectedRevision = bigint | 'no_stream' | 'any';

export type EventData = Record<string, unknown>;

export type NewEvent = Readonly<{
  /** A UUID. Derived deterministically from the command so that a retried append is recognised. */
  id: string;
  type: string;
  data: EventData;
  metadata: EventData;
}>;

export type RecordedEvent = Readonly<{
  id: string;
  stream: string;
  revision: bigint;
  position: Position;
  type: string;
  data: EventData;
  metadata: EventData;
  recordedAt: string;
}>;

export type AppendResult = Readonly<{
  /** The revision of the last event now in the stream. */
  nextRevision: bigint;
  /** The position of the last appended event in the global log. */
  position: Position;
}>;

export type ReadStreamOptions = Readonly<{
  /** Only the events at this revision (0-based) and after; the whole stream when absent. */
  fromRevision?: bigint;
}>;

/**
 * The first revision a stream read asks for: 0 when none is given. Throws a RangeError on a negative
 * revision and a TypeError on one that is not a bigint (a revision past the end reads as nothing).
 */
export function fromRevisionOf(options: ReadStreamOptions = {}): bigint {
  const { fromRevision = 0n } = options;
  if (typeof fromRevision !== 'bigint') throw new TypeError(`fromRevision must be a bigint, not ${typeof fromRevision}`);
  if (fromRevision < 0n) throw new RangeError(`fromRevision must be 0 or more, not ${fromRevision}`);
  return fromRevision;
}

export type SubscribeOptions = Readonly<{
  /** Deliver events strictly after this position; from the start of the log when absent. */
  after?: Position | null;
  /** Ends the subscription; the iterator then returns. */
  signal?: AbortSignal;
}>;

/** An append larger than the store takes in one (EventStoreDB's maximum append size): refused before it is sent. */
export class AppendTooLargeError extends Error {
  constructor(
    readonly stream: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`append to ${stream} of ${bytes} bytes is over the store's maximum of ${maxBytes}`);
    this.name = 'AppendTooLargeError';
  }
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, found ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export interface EventStore {
  /**
   * Appends the events atomically if the stream is at the expected revision, else throws
   * WrongExpectedRevisionError. Appending events whose ids are already stored at the same place of the
   * same stream (a retry) appends nothing and answers the original result.
   */
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /**
   * Every event of the stream in revision order, or those from `options.fromRevision` on (a command that
   * starts from a snapshot of the stream's state reads only what came after it); empty when the stream
   * does not exist or the revision is past its end. Throws a RangeError on a negative revision.
   */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Those of the given event ids that the stream holds, in revision order (a command's retry asks whether
   * its derived ids were already appended). Point reads by id on SQLite; a backward read of the stream
   * on EventStoreDB, which has no index by event id.
   */
  readEventsById(stream: string, ids: readonly string[]): Promise<RecordedEvent[]>;
  /**
   * Every event of the log after a position, in log order, then new events as they are appended.
   * Pull-based: the next event is read only when the consumer asks for it (`for await`).
   */
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<RecordedEvent>;
  /** The position of the last event in the log, or null when the log is empty. */
  headPosition(): Promise<Position | null>;
  /** The stream's last revision, or 'no_stream' (one indexed read: an append's expected revision). */
  streamRevision(stream: string): Promise<bigint | 'no_stream'>;
  /**
   * Whether an append resent with expected revision 'any' is recognised by its event ids (the embedded
   * log: event ids are unique across it) or only at an expected revision (EventStoreDB, whose idempotence
   * with 'any' is best effort): then an append that must be idempotent carries the stream's revision.
   */
  readonly idempotentWithAnyRevision: boolean;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
