import { deterministicUuid } from '@onehazel/crypto';
import { AnyEvent, CommandContext, Decider, DomainError } from '@onehazel/domain';
import { EventStore, ExpectedRevision, Position, WrongExpectedRevisionError } from '@onehazel/event-store';

export type Executed<State, E> = Readonly<{
  events: E[];
  state: State;
  /** Where the events landed in the log; null when the command changed nothing. */
  position: Position | null;
}>;

const SCHEMA_VERSION = 1;
const ATTEMPTS = 3;

/**
 * load stream -> evolve -> decide -> append at the expected revision. When another writer got there
 * first, the decision is taken again on the new state (commands are re-decided, never blindly
 * re-applied); after a few lost races the caller gets CONFLICT.
 */
export class CommandExecutor {
  constructor(private readonly events: EventStore) {}

  async execute<C extends { type: string }, S, E extends AnyEvent>(
    decider: Decider<C, S, E>,
    stream: string,
    command: C,
    context: CommandContext,
  ): Promise<Executed<S, E>> {
    for (let attempt = 1; ; attempt++) {
      const recorded = await this.events.readStream(stream);
      const state = recorded.reduce((s, e) => decider.evolve(s, e as unknown as E), decider.initialState());
      const decided = decider.decide(command, state);
      const newState = decided.reduce(decider.evolve, state);
      if (decided.length === 0) return { events: [], state: newState, position: null };
      const expected: ExpectedRevision = recorded.length === 0 ? 'no_stream' : recorded[recorded.length - 1]!.revision;
      try {
        const result = await this.events.append(
          stream,
          decided.map((event, index) => ({
            id: deterministicUuid(`${context.causationId}|${command.type}|${stream}|${String(expected)}|${index}`),
            type: event.type,
            data: event.data,
            metadata: { schemaVersion: SCHEMA_VERSION, ...context },
          })),
          expected,
        );
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
