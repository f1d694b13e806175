import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EventStore, formatPosition } from '@onehazel/event-store';
import type { KeyStore } from '@onehazel/key-store';
import { projectionStatus, Projector } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import type { RequestStore } from '@onehazel/request-store';
import type { Config } from '@onehazel/runtime';
import { CONFIG, EVENT_STORE, KEY_STORE, PROJECTOR, READ_STORE, REQUEST_STORE } from '../../../infrastructure/tokens';
import { CheckReadinessQuery, Readiness, StoreHealth } from './check-readiness.query';

const TIMED_OUT = Symbol('timed out');

/** The call's result, or TIMED_OUT once `ms` have passed (the call itself is left to finish or fail on its own). */
async function within<T>(call: () => Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([call(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every store is asked at once, each with a deadline (READY_TIMEOUT_MS): a store that does not answer
 * (a server down, a connection that hangs) makes /ready answer 503 in bounded time, never wait with it.
 * So does a projection whose oldest unprojected event has waited past READY_MAX_LAG_SECONDS.
 */
@QueryHandler(CheckReadinessQuery)
export class CheckReadinessHandler implements IQueryHandler<CheckReadinessQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly read: ReadStore,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    @Inject(REQUEST_STORE) private readonly requests: RequestStore,
    @Inject(PROJECTOR) private readonly projector: Projector,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async execute(): Promise<Readiness> {
    const ms = this.config.readyTimeoutMs;
    const health = (ping: () => Promise<void>): Promise<StoreHealth> =>
      within(ping, ms).then(
        (answer) => (answer === TIMED_OUT ? 'timeout' : 'up'),
        () => 'down',
      );
    const [eventStore, readStore, keyStore, requestStore] = await Promise.all([
      health(() => this.events.ping()),
      health(() => this.read.ping()),
      health(() => this.keys.ping()),
      health(() => this.requests.ping()),
    ]);
    const up = [eventStore, readStore, keyStore, requestStore].every((store) => store === 'up');
    const projection = eventStore === 'up' && readStore === 'up' ? await this.projection(ms) : null;
    const current = projection !== null && projection.lagSeconds <= this.config.readyMaxLagSeconds;
    return { status: up && current ? 'ready' : 'unavailable', eventStore, readStore, keyStore, requestStore, projection };
  }

  /** Null when the checkpoint or the log's head cannot be read in time. */
  private async projection(ms: number): Promise<Readiness['projection']> {
    try {
      const read = await within(
        () => Promise.all([this.projector.storedCheckpoint(), this.events.headPosition(), projectionStatus(this.projector, this.events, this.read, { timeoutMs: ms })]),
        ms,
      );
      if (read === TIMED_OUT) return null;
      const [checkpoint, head, projections] = read;
      return {
        checkpoint: checkpoint && formatPosition(checkpoint),
        head: head && formatPosition(head),
        caughtUp: head === null || (checkpoint !== null && formatPosition(checkpoint) === formatPosition(head)),
        lagSeconds: Math.max(0, ...projections.map((projection) => projection.lagSeconds)),
      };
    } catch {
      return null;
    }
  }
}
