import { Controller, Get, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Ok, ok } from '../http/envelope';
import { ApiEnvelope } from '../http/openapi';
import { CheckReadinessQuery, Readiness } from './queries/check-readiness/check-readiness.query';

/** Swagger only: the liveness answer. */
class HealthResponse {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

/** Swagger only: how far the projection is behind the log. */
class ProjectionLag {
  @ApiProperty({ type: String, nullable: true, description: 'The last log position the read model has' }) checkpoint!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The log’s last position' }) head!: string | null;
  @ApiProperty() caughtUp!: boolean;
}

/** Swagger only: the readiness answer. */
class ReadinessResponse {
  @ApiProperty({ enum: ['ready', 'unavailable'] }) status!: 'ready' | 'unavailable';
  @ApiProperty({ enum: ['up', 'down'] }) eventStore!: 'up' | 'down';
  @ApiProperty({ enum: ['up', 'down'] }) readStore!: 'up' | 'down';
  @ApiProperty({ type: ProjectionLag, nullable: true, description: 'null when it cannot be read' }) projection!: ProjectionLag | null;
}

@ApiTags('Operations')
@Controller()
export class HealthHttpController {
  constructor(private readonly queries: QueryBus) {}

  /** Liveness: the process answers. */
  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers', security: [] })
  @ApiEnvelope(HealthResponse, { description: 'The process is alive' })
  health(): Ok<{ status: 'ok' }> {
    return ok({ status: 'ok' });
  }

  /** Readiness: both stores answer; the projection's lag is reported. */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: both stores answer, and how far the projection lags', security: [] })
  @ApiEnvelope(ReadinessResponse, { description: 'Both stores answer' })
  @ApiEnvelope(ReadinessResponse, { status: 503, description: 'A store does not answer (status "unavailable")' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Ok<Readiness>> {
    const readiness = await this.queries.execute(new CheckReadinessQuery());
    if (readiness.status !== 'ready') void reply.status(503);
    return ok(readiness);
  }
}
