import { Controller, Get, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Ok, ok } from '../http/envelope';
import { CheckReadinessQuery, Readiness } from './queries/check-readiness/check-readiness.query';

@ApiTags('Operations')
@Controller()
export class HealthHttpController {
  constructor(private readonly queries: QueryBus) {}

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
    const readiness = await this.queries.execute(new CheckReadinessQuery());
    if (readiness.status !== 'ready') void reply.status(503);
    return ok(readiness);
  }
}
