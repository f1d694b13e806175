import { Query } from '@nestjs/cqrs';

export type Readiness = {
  status: 'ready' | 'unavailable';
  eventStore: 'up' | 'down';
  readStore: 'up' | 'down';
  projection: { checkpoint: string | null; head: string | null; caughtUp: boolean } | null;
};

/** Whether both stores answer, and how far the projection is behind the log. */
export class CheckReadinessQuery extends Query<Readiness> {}
