import { EventEmitter } from 'node:events';
import {
  EventStore,
  Position,
  RecordedEvent,
  comparePositions,
  formatPosition,
  parsePosition,
} from '@onehazel/event-store';
import { CheckpointHold, CheckpointMove, checkpointPosition, CheckpointMovedError, holdOf, ReadStore } from '@onehazel/read-store';
import type { RequestStore } from '@onehazel/request-store';
import { Projection, StagedChanges, withDependencies } from './projection';

export type ProjectorLogger = {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
};

export type ProjectorOptions = Readonly<{
  /** The checkpoints' prefix: each projection keeps its own, `<name>/<projection>` (default `main`). */
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

/** The checkpoint of a projection that is live but has projected nothing yet: it starts from the log's beginning. */
export const FROM_START = 'start';

/** Where a projection stands, from its checkpoint. */
export type ProjectionCheckpoint = Readonly<{
  projection: string;
  /** Its checkpoint's name in the read store. */
  checkpoint: string;
  /**
   * live: this projector applies the log to it; held: a rebuild holds it while it swaps its shadow in (the
   * projector leaves it alone until then); unbuilt: no read model yet (a new projection, built in the shadow).
   */
  state: 'live' | 'held' | 'unbuilt';
  /** The last event it has applied; null when none (or unbuilt). */
  position: Position | null;
  /** The stored value, for a compare-and-set (null when unbuilt). */
  value: string | null;
  /** A held one: when the hold lapses (epoch ms) and who holds it. */
  hold: CheckpointHold | null;
}>;

/** A stored checkpoint value (held or tagged too) as a position: null for FROM_START. */
export function positionOf(value: string): Position | null {
  const position = checkpointPosition(value);
  return position === FROM_START ? null : parsePosition(position);
}

/** a is at or past b, where null is the log's beginning. */
function atOrPast(a: Position | null, b: Position | null): boolean {
  return b === null || (a !== null && comparePositions(a, b) >= 0);
}

/** The earliest of these positions (null: the beginning, before every position). */
function earliest(positions: readonly (Position | null)[]): Position | null {
  let found: Position | null | undefined;
  for (const position of positions) {
    if (position === null) return null;
    if (found === undefined || comparePositions(position, found!) < 0) found = position;
  }
  return found ?? null;
}

/**
 * Subscribes to the log and applies each event to every live projection. Each projection keeps a
 * checkpoint of its own (`<name>/<projection>`), so that one can be rebuilt, or added, while the others
 * go on. The subscription starts from the earliest of them, and an event is applied only to the
 * projections whose checkpoint is before it.
 *
 * A batch's read-model changes and the new checkpoints are committed atomically, compare-and-set on every
 * projection's checkpoint (held and unbuilt ones only compared), so a projector killed at any point
 * resumes with nothing lost or doubled, two projectors on the same stores (the server's and the CLI's)
 * never apply an event twice, and a rebuild that holds a projection or swaps its shadow in makes the
 * projector's next commit fail and start again from what is stored.
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

  /** The checkpoint's name of one of its projections. */
  checkpointOf(projection: string): string {
    return `${this.name}/${projection}`;
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

  /** Projects until every live projection has reached `target` (default: the head of the log now), then returns. */
  async catchUp(target?: Position | null, onProgress?: (position: Position) => void, signal?: AbortSignal): Promise<void> {
    const until = target === undefined ? await this.events.headPosition() : target;
    if (until === null || this.projections.length === 0) return;
    signal?.throwIfAborted();
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    signal?.addEventListener('abort', stop, { once: true });
    const listener = (position: Position): void => {
      onProgress?.(position);
      if (comparePositions(position, until) >= 0) controller.abort();
    };
    this.progress.on('batch', listener);
    try {
      await this.run(controller.signal, until);
    } finally {
      this.progress.off('batch', listener);
      signal?.removeEventListener('abort', stop);
    }
    signal?.throwIfAborted();
  }

  /** Clears the read models and projects the whole log again, in place (tests, the bench; `projections rebuild` works in the shadow). */
  async rebuild(onProgress?: (position: Position) => void): Promise<void> {
    await this.init();
    for (const projection of this.projections) await this.readStore.reset(this.checkpointOf(projection.name), projection.collections);
    await this.readStore.reset(this.name, []); // the one checkpoint of an older store, which the start would resume
    this.position = null;
    await this.catchUp(undefined, onProgress);
  }

  /** The names of the projections it runs, in the order it applies them. */
  get projectionNames(): string[] {
    return this.projections.map((projection) => projection.name);
  }

  /** Where each of its projections stands, as stored (another projector on the same stores may move it). */
  async checkpoints(): Promise<ProjectionCheckpoint[]> {
    const names = this.projections.map((projection) => this.checkpointOf(projection.name));
    const stored = await this.readStore.getCheckpoints(names);
    return this.projections.map((projection, i) => {
      const value = stored.get(names[i]!) ?? null;
      const hold = value === null ? null : holdOf(value);
      return {
        projection: projection.name,
        checkpoint: names[i]!,
        state: value === null ? 'unbuilt' : hold ? 'held' : 'live',
        position: value === null ? null : positionOf(value),
        value,
        hold,
      };
    });
  }

  /**
   * What the read models show as of now: the earliest checkpoint of its live and held projections (a held
   * one shows what it showed when it was held, until the rebuild's swap), or null when one has projected
   * nothing yet or none is built. Unbuilt projections (new ones, building in the shadow) are not waited for.
   */
  async storedCheckpoint(): Promise<Position | null> {
    const built = (await this.checkpoints()).filter((checkpoint) => checkpoint.state !== 'unbuilt');
    return built.length === 0 ? null : earliest(built.map((checkpoint) => checkpoint.position));
  }

  /** Calls the listener with what the read models show (see storedCheckpoint) after every batch this process's projector commits. */
  onCommitted(listener: (position: Position) => void): () => void {
    this.progress.on('progress', listener);
    return () => this.progress.off('progress', listener);
  }

  /**
   * The projections it applies the log to: the live ones, less those that go with a held one (what one
   * reads of another's collections must be as of the same event: see Projection.reads).
   */
  private applied(marks: readonly ProjectionCheckpoint[]): ProjectionCheckpoint[] {
    const held = marks.filter((mark) => mark.state === 'held').map((mark) => mark.projection);
    const paused = new Set(withDependencies(this.projections, held).map((projection) => projection.name));
    return marks.filter((mark) => mark.state === 'live' && !paused.has(mark.projection));
  }

  /** Every projection it applies is at or past the target (and there is one); a lapsed hold is live again. */
  private async reached(target: Position): Promise<boolean> {
    const marks = await this.checkpoints();
    if (marks.some((mark) => mark.hold !== null && mark.hold.until <= Date.now())) return false;
    const applied = this.applied(marks);
    return applied.length > 0 && applied.every((checkpoint) => atOrPast(checkpoint.position, target));
  }

  /**
   * A store where none of its projections has a checkpoint: they all start live from the log's beginning,
   * or, on a store written before projections had a checkpoint each, from the one they shared (`<name>`),
   * except those the store's record of built projections leaves out, which are built in the shadow.
   * Another projector doing the same at the same time wins, or this one does: the same checkpoints either way.
   */
  private async bootstrap(): Promise<void> {
    const shared = await this.readStore.getCheckpoint(this.name);
    const recorded = shared === null ? null : await this.readStore.getCheckpoint(`${this.name}#projections`);
    const built = recorded === null ? null : new Set(recorded.split(','));
    const moves: CheckpointMove[] = this.projections
      .filter((projection) => built === null || built.has(projection.name))
      .map((projection) => ({ name: this.checkpointOf(projection.name), expected: null, next: shared ?? FROM_START }));
    await this.readStore.commitAll(moves, []).catch((error: unknown) => {
      if (!(error instanceof CheckpointMovedError)) throw error;
    });
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
   * One subscription from the earliest live checkpoint; returns or throws when it must be restarted.
   *
   * Pipelined: while a batch commits (on the read store's writer thread, for SQLite), the next one is
   * staged, reading through the one in flight (StagedChanges' `previous`). At most one commit is in
   * flight, and the next is sent only once it has succeeded: commits stay in log order, and a failed one
   * (a checkpoint another projector or a rebuild moved) stops the subscription before anything else is sent.
   */
  private async subscribeOnce(signal: AbortSignal, until: Position | null): Promise<void> {
    const marks = await this.checkpoints();
    if (marks.length > 0 && marks.every((mark) => mark.state === 'unbuilt')) return this.bootstrap();
    // A hold whose rebuild died (or overran): the projection is live again, from where it was held.
    const lapsed = marks.filter((mark) => mark.hold !== null && mark.hold.until <= Date.now());
    if (lapsed.length > 0) {
      await this.readStore.commitAll(lapsed.map((mark) => ({ name: mark.checkpoint, expected: mark.value, next: mark.hold!.position })), []);
      this.logger.info({ projector: this.name, projections: lapsed.map((mark) => mark.projection) }, 'a rebuild\'s hold lapsed: projecting them again');
      return;
    }
    const applied = new Set(this.applied(marks).map((mark) => mark.projection));
    const live = marks.flatMap((mark, i) => (applied.has(mark.projection) ? [{ projection: this.projections[i]!, checkpoint: mark.checkpoint }] : []));
    if (live.length === 0) {
      await delay(this.retryDelayMs, signal); // every projection held or unbuilt: nothing to apply until a swap
      return;
    }
    const holds = marks.flatMap((mark) => (mark.hold ? [mark.hold] : []));
    // What each checkpoint holds now, as this subscription goes: the next commit expects these.
    const values = new Map(marks.map((mark) => [mark.checkpoint, mark.value]));
    const positions = new Map(marks.map((mark) => [mark.checkpoint, mark.position]));
    const from = earliest(live.map(({ checkpoint }) => positions.get(checkpoint)!));
    let inFlight: InFlight | null = null;
    const inner = new AbortController();
    const abort = (): void => inner.abort();
    signal.addEventListener('abort', abort, { once: true });
    const iterator = this.events.subscribeToAll({ after: from, signal: inner.signal })[Symbol.asyncIterator]();
    // Woken when the first hold lapses, even with no event coming: the subscription starts again and takes it back.
    const lapse = holds.length === 0 ? null : untilLapse(Math.min(...holds.map((hold) => hold.until)), inner.signal);
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
        const first = await (lapse ? Promise.race([pending, lapse]) : pending);
        if (first === LAPSED || first.done) return;
        // A hold lapsed meanwhile: start again, so that its projection is projected from where it was held.
        if (holds.some((hold) => hold.until <= Date.now())) return;
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
          for (const { projection, checkpoint } of live) {
            if (!atOrPast(positions.get(checkpoint)!, event.position)) await projection.apply(event, staged);
          }
        }
        await this.options.beforeCommit?.(batch);
        if (inFlight) {
          await inFlight.done;
          staged.previousCommitted();
        }
        const position = batch[batch.length - 1]!.position;
        // Every checkpoint is compared; the live ones this batch took further are moved.
        const moves: CheckpointMove[] = marks.map(({ checkpoint }) => {
          const expected = values.get(checkpoint)!;
          if (!live.some((one) => one.checkpoint === checkpoint) || atOrPast(positions.get(checkpoint)!, position)) return { name: checkpoint, expected };
          const next = formatPosition(position);
          values.set(checkpoint, next);
          positions.set(checkpoint, position);
          return { name: checkpoint, expected, next };
        });
        inFlight = this.commit(staged, moves, position, earliest(marks.filter((mark) => mark.state !== 'unbuilt').map((mark) => positions.get(mark.checkpoint)!)));
      }
    } finally {
      signal.removeEventListener('abort', abort);
      inner.abort();
      await iterator.return?.();
      if (inFlight) await inFlight.done.catch(() => undefined); // stop() returns once nothing is left in flight
    }
  }

  /**
   * Sends a staged batch and its checkpoints to the read store. A failure is thrown where `done` is awaited.
   * Once committed: `batch` tells catchUp the batch's last position; `progress`, what the read models show.
   */
  private commit(staged: StagedChanges, moves: CheckpointMove[], position: Position, shown: Position | null): InFlight {
    const done = this.readStore.commitAll(moves, staged.list()).then(() => {
      this.position = position;
      this.progress.emit('batch', position);
      if (shown) this.progress.emit('progress', shown);
    });
    done.catch(() => undefined); // handled now, so a failure is not reported as unhandled before it is awaited
    return { staged, done };
  }
}

type InFlight = Readonly<{ staged: StagedChanges; done: Promise<void> }>;

const LAPSED = Symbol('lapsed');

/** Resolves at `until` (epoch ms), unless the signal aborts first (then never; its timer cleared). */
function untilLapse(until: number, signal: AbortSignal): Promise<typeof LAPSED> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(LAPSED), Math.max(0, until - Date.now()));
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  });
}

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
