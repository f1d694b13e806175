import { EventEmitter } from 'node:events';
import {
  EventStore,
  Position,
  RecordedEvent,
  comparePositions,
  formatPosition,
  parsePosition,
} from '@onehazel/event-store';
import { CheckpointMovedError, ReadStore } from '@onehazel/read-store';
import type { RequestStore } from '@onehazel/request-store';
import { Projection, StagedChanges } from './projection';

export type ProjectorLogger = {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
};

export type ProjectorOptions = Readonly<{
  /** The checkpoint's name: one per projector, shared by its projections (they commit together). */
  name?: string;
  /** Most events committed in one read-store transaction. */
  batchSize?: number;
  /** Wait before retrying after a failed batch. */
  retryDelayMs?: number;
  logger?: ProjectorLogger;
  /** Test hook: called with the staged batch just before it is committed. */
  beforeCommit?: (events: readonly RecordedEvent[]) => void | Promise<void>;
  /**
   * Several projector processes on the same stores: the one holding this lease (kept in the shared
   * request store beside nothing else) follows the log; the others stand by and take it over once it
   * expires. Without it, every process that starts a projector follows the log (still applying each
   * event once: commits are compare-and-set on the checkpoint).
   */
  lease?: ProjectorLease;
}>;

export type ProjectorLease = Readonly<{
  store: Pick<RequestStore, 'claimLease' | 'releaseLease'>;
  /** This process (see ProcessIdentity). */
  owner: string;
  /** How long a claim holds: a standby takes over at most this long (plus one renewal) after the owner died. */
  ttlMs: number;
  /** How often the owner renews, and a standby tries (well under ttlMs). */
  renewEveryMs: number;
  /** Told when this process starts or stops holding the lease. */
  onChange?: (held: boolean) => void;
}>;

const silent: ProjectorLogger = { info: () => undefined, error: () => undefined };
const TICK = Symbol('tick');

/**
 * Subscribes to the log from its checkpoint and applies each event to every projection. A batch's
 * read-model changes and the new checkpoint are committed atomically, compare-and-set on the old
 * checkpoint, so a projector killed at any point resumes with nothing lost or doubled, and two
 * projectors on the same stores (the server's and the CLI's) never apply an event twice.
 */
export class Projector {
  readonly name: string;
  private readonly batchSize: number;
  private readonly retryDelayMs: number;
  private readonly logger: ProjectorLogger;
  private readonly progress = new EventEmitter();
  private position: Position | null = null;
  private running: { controller: AbortController; done: Promise<void> } | null = null;
  private initialised: Promise<void> | null = null;

  constructor(
    private readonly events: EventStore,
    private readonly readStore: ReadStore,
    private readonly projections: readonly Projection[],
    private readonly options: ProjectorOptions = {},
  ) {
    this.name = options.name ?? 'main';
    this.batchSize = options.batchSize ?? 2000;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.logger = options.logger ?? silent;
    this.progress.setMaxListeners(0);
  }

  get collections(): string[] {
    return this.projections.flatMap((projection) => [...projection.collections]);
  }

  /** Creates the projections' indexes, and tells the read store which queries they serve. Once; every run awaits it. */
  init(): Promise<void> {
    this.initialised ??= this.readStore.ensureIndexes(this.projections.flatMap((projection) => [...projection.indexes])).catch((error: unknown) => {
      this.initialised = null; // a store that was down: try again next time
      throw error;
    });
    return this.initialised;
  }

  /** Runs in the background until stop(): follows the log (with a lease: while it holds the lease). */
  start(): void {
    if (this.running) return;
    const controller = new AbortController();
    const done = this.options.lease ? this.runLeased(this.options.lease, controller.signal) : this.run(controller.signal, null);
    this.running = { controller, done };
  }

  /**
   * Stands by until it holds the lease, then follows the log while it renews it; a lost renewal (the
   * store unreachable, or another owner after an expiry) stops the work and goes back to standing by.
   * A stale owner cannot apply anything twice: its commit is compare-and-set on the checkpoint, which the
   * new owner moves (CheckpointMovedError). On stop it gives the lease up, so a standby takes over at once.
   */
  private async runLeased(lease: ProjectorLease, signal: AbortSignal): Promise<void> {
    const holds = async (): Promise<boolean> => {
      try {
        return (await lease.store.claimLease(`projector:${this.name}`, lease.owner, Date.now(), lease.ttlMs)).owner === lease.owner;
      } catch (error) {
        this.logger.error({ projector: this.name, err: describe(error) }, 'projector lease could not be claimed');
        return false;
      }
    };
    while (!signal.aborted) {
      if (!(await holds())) {
        await delay(lease.renewEveryMs, signal);
        continue;
      }
      lease.onChange?.(true);
      this.logger.info({ projector: this.name, owner: lease.owner }, 'projector lease held: following the log');
      const working = new AbortController();
      const stopWorking = (): void => working.abort();
      signal.addEventListener('abort', stopWorking, { once: true });
      const renewer = setInterval(() => {
        void holds().then((held) => {
          if (!held) working.abort();
        });
      }, lease.renewEveryMs);
      try {
        await this.run(working.signal, null);
      } finally {
        clearInterval(renewer);
        signal.removeEventListener('abort', stopWorking);
        lease.onChange?.(false);
      }
      if (signal.aborted) {
        await lease.store.releaseLease(`projector:${this.name}`, lease.owner).catch(() => undefined);
        return;
      }
      this.logger.info({ projector: this.name, owner: lease.owner }, 'projector lease lost: standing by');
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running.controller.abort();
    await this.running.done;
    this.running = null;
  }

  /** Projects until the checkpoint has reached `target` (default: the head of the log now), then returns. */
  async catchUp(target?: Position | null, onProgress?: (position: Position) => void): Promise<void> {
    const until = target === undefined ? await this.events.headPosition() : target;
    if (until === null) return;
    const controller = new AbortController();
    const listener = (position: Position): void => {
      onProgress?.(position);
      if (comparePositions(position, until) >= 0) controller.abort();
    };
    this.progress.on('progress', listener);
    try {
      await this.run(controller.signal, until);
    } finally {
      this.progress.off('progress', listener);
    }
  }

  /** Clears the read models and projects the whole log again. */
  async rebuild(onProgress?: (position: Position) => void): Promise<void> {
    await this.init();
    await this.readStore.reset(this.name, this.collections);
    this.position = null;
    await this.catchUp(undefined, onProgress);
  }

  /** The names of the projections it runs, in the order it applies them. */
  get projectionNames(): string[] {
    return this.projections.map((projection) => projection.name);
  }

  /** The checkpoint as stored (it may have been moved by another projector on the same stores). */
  async storedCheckpoint(): Promise<Position | null> {
    const stored = await this.readStore.getCheckpoint(this.name);
    return stored === null ? null : parsePosition(stored);
  }

  /** Calls the listener with the position of every batch this process's projector commits. */
  onCommitted(listener: (position: Position) => void): () => void {
    this.progress.on('progress', listener);
    return () => this.progress.off('progress', listener);
  }

  private async reached(target: Position): Promise<boolean> {
    const stored = await this.storedCheckpoint();
    return stored !== null && comparePositions(stored, target) >= 0;
  }

  private async run(signal: AbortSignal, until: Position | null): Promise<void> {
    await this.init();
    while (!signal.aborted) {
      try {
        if (until && (await this.reached(until))) return;
        await this.subscribeOnce(signal, until);
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof CheckpointMovedError) {
          this.logger.info({ projector: this.name }, 'checkpoint moved by another projector; resuming from it');
          continue;
        }
        this.logger.error(
          { projector: this.name, position: this.position && formatPosition(this.position), err: describe(error) },
          'projection batch failed; retrying',
        );
        await delay(this.retryDelayMs, signal);
      }
    }
  }

  /**
   * One subscription from the stored checkpoint; returns or throws when it must be restarted.
   *
   * Pipelined: while a batch commits (on the read store's writer thread, for SQLite), the next one is
   * staged, reading through the one in flight (StagedChanges' `previous`). At most one commit is in
   * flight, and the next is sent only once it has succeeded: commits stay in log order, and a failed one
   * (a checkpoint another projector moved) stops the subscription before anything else is sent.
   */
  private async subscribeOnce(signal: AbortSignal, until: Position | null): Promise<void> {
    const stored = await this.readStore.getCheckpoint(this.name);
    let checkpoint = stored;
    let inFlight: InFlight | null = null;
    const inner = new AbortController();
    const abort = (): void => inner.abort();
    signal.addEventListener('abort', abort, { once: true });
    const iterator = this.events
      .subscribeToAll({ after: stored === null ? null : parsePosition(stored), signal: inner.signal })
      [Symbol.asyncIterator]();
    try {
      let pending = iterator.next();
      while (!signal.aborted) {
        // No event ready at once: finish the commit in flight before waiting, so that it is seen (and
        // catchUp returns, or a failure restarts the subscription) without waiting for the next event.
        if (inFlight && (await Promise.race([pending, nextTick()])) === TICK) {
          await inFlight.done;
          inFlight = null;
          if (signal.aborted) return;
        }
        const first = await pending;
        if (first.done) return;
        const batch = [first.value];
        pending = iterator.next();
        // The batch takes what is available before the next turn of the event loop: one tick for the batch.
        const tick = nextTick();
        while (batch.length < this.batchSize && !(until && comparePositions(batch[batch.length - 1]!.position, until) >= 0)) {
          const next = await Promise.race([pending, tick]);
          if (next === TICK || next.done) break;
          batch.push(next.value);
          pending = iterator.next();
        }
        const staged = new StagedChanges(this.readStore, inFlight?.staged ?? null);
        for (const event of batch) {
          for (const projection of this.projections) await projection.apply(event, staged);
        }
        await this.options.beforeCommit?.(batch);
        if (inFlight) {
          await inFlight.done;
          staged.previousCommitted();
        }
        const position = batch[batch.length - 1]!.position;
        inFlight = this.commit(staged, checkpoint, position);
        checkpoint = formatPosition(position);
      }
    } finally {
      signal.removeEventListener('abort', abort);
      inner.abort();
      await iterator.return?.();
      if (inFlight) await inFlight.done.catch(() => undefined); // stop() returns once nothing is left in flight
    }
  }

  /** Sends a staged batch and its checkpoint to the read store. A failure is thrown where `done` is awaited. */
  private commit(staged: StagedChanges, expected: string | null, position: Position): InFlight {
    const done = this.readStore.commit(this.name, expected, formatPosition(position), staged.list()).then(() => {
      this.position = position;
      this.progress.emit('progress', position);
    });
    done.catch(() => undefined); // handled now, so a failure is not reported as unhandled before it is awaited
    return { staged, done };
  }
}

type InFlight = Readonly<{ staged: StagedChanges; done: Promise<void> }>;

function nextTick(): Promise<typeof TICK> {
  return new Promise((resolve) => setImmediate(() => resolve(TICK)));
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
