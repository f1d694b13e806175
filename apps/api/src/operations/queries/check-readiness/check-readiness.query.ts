import { Query } from '@nestjs/cqrs';

/** A store's answer to /ready: it answered, it failed, or it did not answer within READY_TIMEOUT_MS. */
export type StoreHealth = 'up' | 'down' | 'timeout';

export type Readiness = {
  status: 'ready' | 'unavailable';
  eventStore: StoreHealth;
  readStore: StoreHealth;
  keyStore: StoreHealth;
  requestStore: StoreHealth;
  /**
   * checkpoint: what the read models show (the earliest live projection's); lagSeconds: how long the oldest
   * event a projection does not have yet has waited, the most of any; over READY_MAX_LAG_SECONDS is unavailable.
   */
  projection: { checkpoint: string | null; head: string | null; caughtUp: boolean; lagSeconds: number } | null;
};

/** Whether every store answers in time, and how far the projections are behind the log (within a bound). */
export class CheckReadinessQuery extends Query<Readiness> {}
