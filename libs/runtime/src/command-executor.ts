import { deterministicUuid, randomUuid } from '@onehazel/crypto';
import { AnyEvent, CommandContext, Decider, DomainError } from '@onehazel/domain';
import { EventStore, ExpectedRevision, NewEvent, Position, WrongExpectedRevisionError } from '@onehazel/event-store';

export type Executed<State, E> = Readonly<{
  events: E[];
  state: State;
  /** Where the events landed in the log; for a command that changed nothing, where the stream's last event is (null: no stream). */
  position: Position | null;
}>;

/** A stream's state as read, with where it stood: a command decided on it appends at that revision. */
export type Loaded<State> = Readonly<{
  state: State;
  expected: ExpectedRevision;
  /** Where the stream's last event is (null: no stream). */
  position: Position | null;
}>;

const SCHEMA_VERSION = 1;
const ATTEMPTS = 3;

/**
 * load stream -> evolve -> decide -> append at the expected revision. When another writer got there
 * first, the decision is taken again on the new state (commands are re-decided, never blindly
 * re-applied); after a few lost races the caller gets CONFLICT.
 *
 * Event ids derive from an id drawn once per execution, the stream, the expected revision and the
 * event's index: an append that failed in transit (the store may or may not have written it) is sent
 * again with the same ids and recognised by the store instead of doubled. No client-chosen value goes
 * into them, so two requests can never collide. (A client's own retry is Idempotency-Key's job.)
 */
export class CommandExecutor {
  constructor(private readonly events: EventStore) {}

  /**
   * Appends events decided elsewhere (on another stream's state) where writers commute: expected
   * revision 'any', ids derived from a fresh execution id.
   */
  async appendDecided<E extends AnyEvent>(stream: string, decided: E[], context: CommandContext): Promise<Position | null> {
    if (decided.length === 0) return null;
    const executionId = randomUuid();
    const events = decided.map((event, index) => ({
      id: deterministicUuid(`${executionId}|${stream}|any|${index}`),
      type: event.type,
      data: event.data,
      metadata: { schemaVersion: SCHEMA_VERSION, ...context },
    }));
    return (await this.appendResendingOnce(stream, events, 'any')).position;
  }

  /** The stream's current state, folded from its events (for handlers that decide in steps). */
  async load<S, E extends AnyEvent>(decider: Pick<Decider<never, S, E>, 'evolve' | 'initialState'>, stream: string): Promise<S> {
    return (await this.read(decider, stream)).state;
  }

  /** The stream's state and revision: a handler that looks before it decides passes it to `execute`, which then does not read again. */
  async read<S, E extends AnyEvent>(decider: Pick<Decider<never, S, E>, 'evolve' | 'initialState'>, stream: string): Promise<Loaded<S>> {
    const recorded = await this.events.readStream(stream);
    const state = recorded.reduce((s, event) => decider.evolve(s, event as unknown as E), decider.initialState());
    const last = recorded[recorded.length - 1];
    return { state, expected: last ? last.revision : 'no_stream', position: last?.position ?? null };
  }

  /** An append that failed for another reason than the revision is sent once more, with the same ids. */
  private async appendResendingOnce(stream: string, events: NewEvent[], expected: ExpectedRevision) {
    try {
      return await this.events.append(stream, events, expected);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) throw error;
      return this.events.append(stream, events, expected);
    }
  }

  async execute<C extends { type: string }, S, E extends AnyEvent>(
    decider: Decider<C, S, E>,
    stream: string,
    command: C,
    context: CommandContext,
    /** The stream as the caller just read it: the first attempt decides on it instead of reading again. */
    loaded?: Loaded<S>,
  ): Promise<Executed<S, E>> {
    const executionId = randomUuid();
    for (let attempt = 1; ; attempt++) {
      const { state, expected, position } = attempt === 1 && loaded ? loaded : await this.read(decider, stream);
      const decided = decider.decide(command, state);
      const newState = decided.reduce(decider.evolve, state);
      // Nothing to record: the caller still waits for what was read, so it answers what the log says.
      if (decided.length === 0) return { events: [], state: newState, position };
      const events = decided.map((event, index) => ({
        id: deterministicUuid(`${executionId}|${stream}|${String(expected)}|${index}`),
        type: event.type,
        data: event.data,
        metadata: { schemaVersion: SCHEMA_VERSION, ...context },
      }));
      try {
        const result = await this.appendResendingOnce(stream, events, expected);
        return { events: decided, state: newState, position: result.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= ATTEMPTS) {
          throw new DomainError('CONFLICT', 'The resource was changed by concurrent requests; retry the request');
        }
      }
    }
  }
}
