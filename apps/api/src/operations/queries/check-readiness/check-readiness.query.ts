import { Query } from '@nestjs/cqrs';

/** A store's answer to /ready: it answered, it failed, or it did not answer within READY_TIMEOUT_MS. */
export type StoreHealth = 'up' | 'down' | 'timeout';

export type Readiness = {
  status: 'ready' | 'unavailable';
  eventStore: StoreHealth;
  readStore: StoreHealth;
  keyStore: StoreHealth;
  requestStore: StoreHealth;
  projection: { checkpoint: string | null; head: string | null; caughtUp: boolean } | null;
};

/** Whether every store answers in time, and how far the projection is behind the log. */
export class CheckReadinessQuery extends Query<Readiness> {}
