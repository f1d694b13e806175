import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EventStore, formatPosition } from '@onehazel/event-store';
import { Projector } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import { EVENT_STORE, PROJECTOR, READ_STORE } from '../../../infrastructure/tokens';
import { CheckReadinessQuery, Readiness } from './check-readiness.query';

@QueryHandler(CheckReadinessQuery)
export class CheckReadinessHandler implements IQueryHandler<CheckReadinessQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly read: ReadStore,
    @Inject(PROJECTOR) private readonly projector: Projector,
  ) {}

  async execute(): Promise<Readiness> {
    const [eventStore, readStore] = await Promise.all([up(this.events.ping()), up(this.read.ping())]);
    let projection: Readiness['projection'] = null;
    if (eventStore === 'up' && readStore === 'up') {
      const [checkpoint, head] = await Promise.all([this.projector.storedCheckpoint(), this.events.headPosition()]);
      projection = {
        checkpoint: checkpoint && formatPosition(checkpoint),
        head: head && formatPosition(head),
        caughtUp: head === null || (checkpoint !== null && formatPosition(checkpoint) === formatPosition(head)),
      };
    }
    const status = eventStore === 'up' && readStore === 'up' ? 'ready' : 'unavailable';
    return { status, eventStore, readStore, projection };
  }
}

async function up(ping: Promise<void>): Promise<'up' | 'down'> {
  try {
    await ping;
    return 'up';
  } catch {
    return 'down';
  }
}
