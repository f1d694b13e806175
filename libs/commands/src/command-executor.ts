import { deterministicUuid, randomUuid } from '@onehazel/crypto';
import { AnyEvent, CommandContext, Decider, DomainError, foldStream } from '@onehazel/domain';
import { AppendResult, AppendTooLargeError, EventStore, ExpectedRevision, formatPosition, NewEvent, parsePosition, Position, RecordedEvent, WrongExpectedRevisionError } from '@onehazel/event-store';
import type { RequestStore } from '@onehazel/request-store';

export type Executed<State, E> = Readonly<{
  events: E[];
  state: State;
  /** Where the events landed in the log; for a command that changed nothing, where the stream's last event is (null: no stream). */
  position: Position | null;
  /**
   * True when an earlier attempt of the same command (same `commandId`) had already recorded its events:
   * nothing was appended, and `events`, `state` and `position` are that attempt's, as the log holds them.
   */
  replayed: boolean;
}>;

/** What `appendDecided` recorded, or found recorded by an earlier attempt of the same command. */
export type Appended<E> = Readonly<{ events: E[]; position: Position | null; replayed: boolean }>;

/** A stream's state as read, with where it stood: a command decided on it appends at that revision. */
export type Loaded<State> = Readonly<{
  state: State;
  expected: ExpectedRevision;
  /** Where the stream's last event is (null: no stream). */
  position: Position | null;
  /** The stream's events, as read: those after the snapshot when it started from one. */
  recorded: readonly RecordedEvent[];
  /** The revision of the snapshot it started from (null: read whole). */
  snapshotRevision: bigint | null;
}>;

/** Where snapshots of long streams are kept (the request store). */
export type SnapshotStore = Pick<RequestStore, 'loadSnapshot' | 'saveSnapshot'>;

export type ExecutorOptions = Readonly<{
  /** Snapshots of the streams whose decider can encode its state; none: every stream is read whole. */
  snapshots?: SnapshotStore;
  /** A new snapshot once a stream has grown by this many events since the last (default 256). */
  snapshotEvery?: number;
}>;

const SNAPSHOT_EVERY = 256;

/**
 * The events' schema, in every event's metadata. 2: entity events name the externalId by its keyed hash
 * and its envelope (1: in clear; still read, never written).
 */
const SCHEMA_VERSION = 2;
const ATTEMPTS = 3;

/**
 * load stream -> evolve -> decide -> append at the expected revision. When another writer got there
 * first, the decision is taken again on the new state (commands are re-decided, never blindly
 * re-applied); after a few lost races the caller gets CONFLICT.
 *
 * Event ids are derived, never drawn at append time:
 * - from the command's `commandId` when it has one (a request with an Idempotency-Key: the id lives with
 *   the key's claim), the stream, the command's type and the event's index. A retry of the request, in
 *   this process or after a crash, derives the same ids; it finds the events of the attempt that got
 *   through in the stream and answers that attempt's outcome (`replayed`) instead of deciding again. The
 *   log holds exactly one copy whatever crashed and when: the store also refuses a second event with an
 *   id it holds.
 * - otherwise from an id drawn once per execution, the stream, the expected revision and the index: an
 *   append that failed in transit is sent again with the same ids and recognised instead of doubled.
 */
/** How many times appendDecided reads the stream's revision again after another writer appended first. */
const APPEND_DECIDED_ATTEMPTS = 50;

export class CommandExecutor {
  private readonly snapshots: SnapshotStore | null;
  private readonly snapshotEvery: bigint;
  private readonly appendedListeners = new Set<(types: readonly string[]) => void>();

  constructor(
    private readonly events: EventStore,
    options: ExecutorOptions = {},
  ) {
    this.snapshots = options.snapshots ?? null;
    this.snapshotEvery = BigInt(options.snapshotEvery ?? SNAPSHOT_EVERY);
  }

  /**
   * Appends events decided elsewhere (on another stream's state) where writers commute, ids derived from a
   * fresh execution id. At expected revision 'any' where the store recognises a resent append by its ids
   * alone; else (EventStoreDB) at the stream's revision, read first, so that a resend is recognised for
   * sure: a writer that appended in between makes it read the revision again and append on top.
   */
  async appendDecided<E extends AnyEvent>(stream: string, decided: E[], context: CommandContext): Promise<Appended<E>> {
    if (decided.length === 0) return { events: [], position: null, replayed: false };
    const earlier = await this.earlierAppend<E>(stream, decided[0]!.type, context, decided.length);
    if (earlier) return earlier;
    const ids = eventIds(context, `${stream}|${decided[0]!.type}`, `${randomUuid()}|${stream}|any`, decided.length);
    const events = toNewEvents(decided, ids, context);
    if (this.events.idempotentWithAnyRevision) {
      return { events: decided, position: (await this.appendResendingOnce(stream, events, 'any')).position, replayed: false };
    }
    for (let attempt = 1; ; attempt++) {
      const expected = await this.events.streamRevision(stream);
      try {
        return { events: decided, position: (await this.appendResendingOnce(stream, events, expected)).position, replayed: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        // Appended in between: by another writer (append again on top), or by this append's first send,
        // whose answer was lost and whose resend then found the stream moved. Only the events after the
        // revision read are looked at: a bounded read, however long the stream.
        const since = await this.events.readStream(stream, { fromRevision: expected === 'no_stream' ? 0n : expected + 1n });
        const landed = since.filter((event) => ids.includes(event.id));
        if (landed.length > 0) return { events: decided, position: landed[landed.length - 1]!.position, replayed: false };
        if (attempt >= APPEND_DECIDED_ATTEMPTS) {
          throw new DomainError('CONFLICT', 'The stream kept changing while this change was being recorded; retry it');
        }
      }
    }
  }

  /**
   * What an earlier attempt of this command (same commandId) appended to the stream with `appendDecided`,
   * its first event of type `type`; null when there was none, or the command has no commandId.
   */
  async earlierAppend<E extends AnyEvent>(stream: string, type: string, context: CommandContext, count = 1): Promise<Appended<E> | null> {
    if (!context.commandId || !context.retry) return null;
    const earlier = await this.events.readEventsById(stream, eventIds(context, `${stream}|${type}`, '', count));
    if (earlier.length === 0) return null;
    return { events: asDecided<E>(earlier), position: earlier[earlier.length - 1]!.position, replayed: true };
  }

  /**
   * The outcome of an earlier attempt of this command (same commandId) that the stream, as read, holds;
   * null when there was none. A handler with work to do before it decides (a key to create, fields to
   * seal) asks first, so that a retry does none of it.
   */
  earlierAttempt<S, E extends AnyEvent>(
    decider: Pick<Decider<never, S, E>, 'evolve' | 'initialState' | 'fold' | 'snapshot'>,
    stream: string,
    commandType: string,
    context: CommandContext,
    loaded: Loaded<S>,
  ): Executed<S, E> | null {
    if (!context.commandId) return null;
    return replayOf(decider, loaded.recorded, (index) => eventId(context, `${stream}|${commandType}`, '', index));
  }

  /** The stream's current state, folded from its events (for handlers that decide in steps). */
  async load<S, E extends AnyEvent>(decider: Pick<Decider<never, S, E>, 'evolve' | 'initialState' | 'fold' | 'snapshot'>, stream: string): Promise<S> {
    return (await this.read(decider, stream)).state;
  }

  /**
   * The stream's state and revision: a handler that looks before it decides passes it to `execute`, which
   * then does not read again. From the stream's latest snapshot and the events after it, where its decider
   * can decode one; whole when `whole` (a retry looks for its earlier attempt's events, which may be
   * older than the snapshot), or when no snapshot can be had.
   */
  async read<S, E extends AnyEvent>(
    decider: Pick<Decider<never, S, E>, 'evolve' | 'initialState' | 'fold' | 'snapshot'>,
    stream: string,
    options: Readonly<{ whole?: boolean }> = {},
  ): Promise<Loaded<S>> {
    const fromSnapshot = options.whole ? null : await this.snapshotOf(decider, stream);
    const recorded = await this.events.readStream(stream, fromSnapshot ? { fromRevision: fromSnapshot.revision + 1n } : {});
    const state = foldStream(decider, recorded as unknown as E[], fromSnapshot?.state);
    const last = recorded[recorded.length - 1];
    if (!fromSnapshot) return { state, expected: last ? last.revision : 'no_stream', position: last?.position ?? null, recorded, snapshotRevision: null };
    return {
      state,
      expected: last ? last.revision : fromSnapshot.revision,
      position: last?.position ?? fromSnapshot.position,
      recorded,
      snapshotRevision: fromSnapshot.revision,
    };
  }

  /** The stream's latest snapshot, decoded; null when there is none, it cannot be read, or it is not the decider's form. */
  private async snapshotOf<S>(decider: Pick<Decider<never, S, AnyEvent>, 'snapshot'>, stream: string) {
    if (!decider.snapshot || !this.snapshots) return null;
    try {
      const kept = await this.snapshots.loadSnapshot(stream);
      if (!kept) return null;
      const state = decider.snapshot.decode(JSON.parse(kept.state));
      return state === null ? null : { state, revision: kept.revision, position: parsePosition(kept.position) };
    } catch {
      // A snapshot is a cache of the log: when it cannot be had, the stream is read whole.
      return null;
    }
  }

  /**
   * Keeps a snapshot of the state a command just appended, once the stream has grown by `snapshotEvery`
   * events since the one it was read from. Best effort: a snapshot not kept only means a longer read.
   */
  private async keepSnapshot<S>(decider: Pick<Decider<never, S, AnyEvent>, 'snapshot'>, stream: string, read: Loaded<S>, state: S, appended: AppendResult) {
    if (!decider.snapshot || !this.snapshots) return;
    if (appended.nextRevision - (read.snapshotRevision ?? -1n) < this.snapshotEvery) return;
    try {
      const encoded = JSON.stringify(decider.snapshot.encode(state));
      await this.snapshots.saveSnapshot({ stream, revision: appended.nextRevision, position: formatPosition(appended.position), state: encoded });
    } catch {
      // Best effort (see above).
    }
  }

  /** Calls `listener` with the types of the events of every append this executor makes (metrics); answers how to stop. */
  onAppended(listener: (types: readonly string[]) => void): () => void {
    this.appendedListeners.add(listener);
    return () => this.appendedListeners.delete(listener);
  }

  /** An append that failed for another reason than the revision is sent once more, with the same ids. */
  private async appendResendingOnce(stream: string, events: NewEvent[], expected: ExpectedRevision) {
    let result: AppendResult;
    try {
      result = await this.events.append(stream, events, expected);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) throw error;
      if (error instanceof AppendTooLargeError) {
        throw new DomainError('PAYLOAD_TOO_LARGE', 'The change is larger than the event store takes in one append; send less', { maxBytes: error.maxBytes });
      }
      result = await this.events.append(stream, events, expected);
    }
    const types = events.map((event) => event.type);
    for (const listener of this.appendedListeners) listener(types);
    return result;
  }

  async execute<C extends { type: string }, S, E extends AnyEvent>(
    decider: Decider<C, S, E>,
    stream: string,
    command: C,
    context: CommandContext,
    /** The stream as the caller just read it: the first attempt decides on it instead of reading again. */
    loaded?: Loaded<S>,
    /**
     * How many times to decide before CONFLICT. A handler with its own retry loop (work to redo before
     * deciding again, such as sealing for another entity) passes 1: one loop, one read per attempt.
     */
    attempts = ATTEMPTS,
  ): Promise<Executed<S, E>> {
    const executionId = randomUuid();
    for (let attempt = 1; ; attempt++) {
      const current = attempt === 1 && loaded ? loaded : await this.read(decider, stream, { whole: context.retry === true });
      const { state, expected, position } = current;
      const earlier = this.earlierAttempt(decider, stream, command.type, context, current);
      if (earlier) return earlier;
      const decided = decider.decide(command, state);
      const newState = decided.reduce(decider.evolve, state);
      // Nothing to record: the caller still waits for what was read, so it answers what the log says.
      if (decided.length === 0) return { events: [], state: newState, position, replayed: false };
      const ids = eventIds(context, `${stream}|${command.type}`, `${executionId}|${stream}|${String(expected)}`, decided.length);
      try {
        const result = await this.appendResendingOnce(stream, toNewEvents(decided, ids, context), expected);
        await this.keepSnapshot(decider, stream, current, newState, result);
        return { events: decided, state: newState, position: result.position, replayed: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= attempts) {
          throw new DomainError('CONFLICT', 'The resource was changed by concurrent requests; retry the request');
        }
      }
    }
  }
}

/**
 * The ids of a command's events: from its commandId and `scope` (stream and command type) when it has
 * one, so that every attempt derives the same; else from `fallback` (unique to this execution).
 */
function eventIds(context: CommandContext, scope: string, fallback: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => eventId(context, scope, fallback, index));
}

function eventId(context: CommandContext, scope: string, fallback: string, index: number): string {
  return deterministicUuid(`${context.commandId ? `${context.commandId}|${scope}` : fallback}|${index}`);
}

function toNewEvents(decided: readonly AnyEvent[], ids: readonly string[], context: CommandContext): NewEvent[] {
  // The commandId is how attempts find each other, not part of the audit trail.
  const { commandId: _commandId, retry: _retry, ...metadata } = context;
  return decided.map((event, index) => ({
    id: ids[index]!,
    type: event.type,
    data: event.data,
    metadata: { schemaVersion: SCHEMA_VERSION, ...metadata },
  }));
}

const asDecided = <E extends AnyEvent>(recorded: readonly RecordedEvent[]): E[] =>
  recorded.map((event) => ({ type: event.type, data: event.data }) as unknown as E);

/**
 * When the stream holds an earlier attempt's events: that attempt's outcome, as the log holds them.
 * They follow each other (one append), with the ids `idAt(0)`, `idAt(1)`...; the state is the one they
 * produced, not the stream's state now.
 */
function replayOf<S, E extends AnyEvent>(
  decider: Pick<Decider<never, S, E>, 'evolve' | 'initialState' | 'fold' | 'snapshot'>,
  recorded: readonly RecordedEvent[],
  idAt: (index: number) => string,
): Executed<S, E> | null {
  const start = recorded.findIndex((event) => event.id === idAt(0));
  if (start < 0) return null;
  let end = start + 1;
  while (end < recorded.length && recorded[end]!.id === idAt(end - start)) end++;
  const state = foldStream(decider, recorded.slice(0, end) as unknown as E[]);
  return { events: asDecided<E>(recorded.slice(start, end)), state, position: recorded[end - 1]!.position, replayed: true };
}
