/** A domain event as deciders produce it: a past-tense type and its data. */
export type Event<Type extends string, Data extends Record<string, unknown>> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;

export type AnyEvent = Event<string, Record<string, unknown>>;

export type ActorKind = 'admin' | 'platform' | 'key' | 'session' | 'agent' | 'operator-token';

/**
 * Who caused a change. Never a secret: ids only. An agent (a fleet daemon, by its child key) also names
 * its key and the operator token that minted it.
 */
export type Actor = Readonly<{ kind: ActorKind; id: string; keyId?: string; tokenId?: string }>;

/** Metadata stored on every event (DESIGN.md §5). */
export type EventMetadata = Readonly<{
  schemaVersion: number;
  actor: Actor;
  requestId: string;
  correlationId: string;
  causationId: string;
  at: string;
}>;

/** What a command carries besides its payload: who, when, and which request. */
export type CommandContext = Readonly<{
  actor: Actor;
  requestId: string;
  correlationId: string;
  causationId: string;
  at: string;
  /**
   * The same for every attempt of one client request (its Idempotency-Key's claim), absent otherwise.
   * What the command creates (ids, event ids) derives from it, so a retry finds what an earlier attempt
   * recorded instead of recording it again. Not stored in event metadata.
   */
  commandId?: string;
  /**
   * True when an earlier attempt of the same request may have recorded something (its claim was taken
   * over or released): only then is there anything to look for outside the stream a command reads.
   */
  retry?: boolean;
}>;

/**
 * A decider (after Emmett): pure functions over a command, a state and events.
 * No clock, no random, no I/O: time, ids and the actor arrive in the command.
 */
export type Decider<Command, State, E extends AnyEvent> = Readonly<{
  decide: (command: Command, state: State) => E[];
  evolve: (state: State, event: E) => State;
  initialState: () => State;
  /**
   * Folds a whole stream from the initial state, with the result of reducing its events with `evolve`,
   * for a state whose pure `evolve` copies what grows with the stream (which makes a reduce quadratic):
   * the fold owns what it builds, so it may build it in place.
   */
  fold?: (events: readonly E[], from?: State) => State;
  /**
   * The state as JSON-able data and back, for a stream long enough that commands start from a snapshot
   * of it (kept every so many events) and read only the events after it. `decode` answers null for
   * anything it does not recognise (the stream is then read whole).
   */
  snapshot?: Readonly<{ encode: (state: State) => unknown; decode: (encoded: unknown) => State | null }>;
}>;

/**
 * A stream's state from its events (after `from`, a state the stream had): the decider's own fold where
 * it has one, else the reduce of the events with evolve.
 */
export function foldStream<S, E extends AnyEvent>(
  decider: Pick<Decider<never, S, E>, 'evolve' | 'initialState' | 'fold'>,
  events: readonly E[],
  from?: S,
): S {
  if (decider.fold) return decider.fold(events, from);
  return events.reduce(decider.evolve, from ?? decider.initialState());
}
