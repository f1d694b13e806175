import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { EventStore, formatPosition } from '@onehazel/event-store';
import { Projector } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, PROJECTOR, READ_STORE } from '../infrastructure/tokens';
import { Ok, ok } from '../shared/http/envelope';

type Readiness = {
  status: 'ready' | 'unavailable';
  eventStore: 'up' | 'down';
  readStore: 'up' | 'down';
  projection: { checkpoint: string | null; head: string | null; caughtUp: boolean } | null;
};

@ApiTags('Operations')
@Controller()
export class HealthHttpController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly read: ReadStore,
    @Inject(PROJECTOR) private readonly projector: Projector,
  ) {}

  /** Liveness: the process answers. */
  @Get('health')
  @ApiOkResponse({ description: 'The process is alive' })
  health(): Ok<{ status: 'ok' }> {
    return ok({ status: 'ok' });
  }

  /** Readiness: both stores answer; the projection's lag is reported. */
  @Get('ready')
  @ApiOkResponse({ description: 'Both stores answer' })
  @ApiServiceUnavailableResponse({ description: 'A store does not answer' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Ok<Readiness>> {
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
    if (status !== 'ready') void reply.status(503);
    return ok({ status, eventStore, readStore, projection });
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
