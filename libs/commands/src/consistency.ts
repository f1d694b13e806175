import { AnyEvent, CommandContext, Decider, DomainError } from '@onehazel/domain';
import { Appended, CommandExecutor, Executed, Loaded } from './command-executor';
import { Position, comparePositions } from '@onehazel/event-store';
import { Projector } from '@onehazel/projections';

/**
 * Read-your-writes (DESIGN.md §4): a command's response waits until the projector's checkpoint has
 * passed the command's position. It listens to an in-process projector when there is one and reads
 * the stored checkpoint otherwise (a projector in another process), within a bounded time.
 */
export class ConsistencyWaiter {
  constructor(
    private readonly projector: Projector,
    private readonly timeoutMs: number,
    private readonly pollIntervalMs = 20,
  ) {}

  /** `details` go into the timeout error, e.g. the id of what was created, so a client need not create it again. */
  async waitFor(position: Position | null, details?: Record<string, unknown>): Promise<void> {
    if (position === null) return;
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const stored = await this.projector.storedCheckpoint();
      if (stored !== null && comparePositions(stored, position) >= 0) return;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new DomainError(
          'CONSISTENCY_TIMEOUT',
          'The change was recorded, but the read model has not caught up yet; reads may not show it for a moment',
          details,
        );
      }
      // This process's projector says where it committed: no store read until it passes the position. The
      // poll covers a projector in another process.
      if (await this.committedPastOrPoll(position, Math.min(remaining, this.pollIntervalMs))) return;
    }
  }

  /** True when this process's projector commits past `position` before `ms` have passed; false on the poll. */
  private committedPastOrPoll(position: Position, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (passed: boolean): void => {
        clearTimeout(timer);
        unsubscribe();
        resolve(passed);
      };
      const timer = setTimeout(() => done(false), ms);
      const unsubscribe = this.projector.onCommitted((committed) => {
        if (comparePositions(committed, position) >= 0) done(true);
      });
    });
  }
}

/**
 * What HTTP command handlers use: execute on the stream, then wait until the read model has passed
 * the command's position, so the response, the next GET and authentication all see the change.
 */
export class ConsistentCommands {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly waiter: ConsistencyWaiter,
  ) {}

  /** Appends events decided on another stream's state (see CommandExecutor.appendDecided), then waits. */
  async record<E extends AnyEvent>(stream: string, decided: E[], context: CommandContext): Promise<Appended<E>> {
    const appended = await this.executor.appendDecided(stream, decided, context);
    await this.waiter.waitFor(appended.position);
    return appended;
  }

  /** See CommandExecutor.earlierAttempt; waits for its position as `execute` would have. */
  async earlierAttempt<S, E extends AnyEvent>(
    decider: Pick<Decider<never, S, E>, 'evolve' | 'initialState' | 'fold' | 'snapshot'>,
    stream: string,
    commandType: string,
    context: CommandContext,
    loaded: Loaded<S>,
  ): Promise<Executed<S, E> | null> {
    const earlier = this.executor.earlierAttempt(decider, stream, commandType, context, loaded);
    if (earlier) await this.waiter.waitFor(earlier.position);
    return earlier;
  }

  /** See CommandExecutor.earlierAppend; waits for its position as `record` would have. */
  async earlierRecord<E extends AnyEvent>(stream: string, type: string, context: CommandContext): Promise<Appended<E> | null> {
    const earlier = await this.executor.earlierAppend<E>(stream, type, context);
    if (earlier) await this.waiter.waitFor(earlier.position);
    return earlier;
  }

  load<S, E extends AnyEvent>(decider: Pick<Decider<never, S, E>, 'evolve' | 'initialState' | 'fold' | 'snapshot'>, stream: string): Promise<S> {
    return this.executor.load(decider, stream);
  }

  read<S, E extends AnyEvent>(decider: Pick<Decider<never, S, E>, 'evolve' | 'initialState' | 'fold' | 'snapshot'>, stream: string): Promise<Loaded<S>> {
    return this.executor.read(decider, stream);
  }

  async execute<C extends { type: string }, S, E extends AnyEvent>(
    decider: Decider<C, S, E>,
    stream: string,
    command: C,
    context: CommandContext,
    options: Readonly<{ timeoutDetails?: Record<string, unknown>; loaded?: Loaded<S>; attempts?: number }> = {},
  ): Promise<Executed<S, E>> {
    const executed = await this.executor.execute(decider, stream, command, context, options.loaded, options.attempts);
    await this.waiter.waitFor(executed.position, options.timeoutDetails);
    return executed;
  }
}
