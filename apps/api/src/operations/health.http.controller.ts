import { Controller, Get, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Ok, ok } from '../http/envelope';
import { ApiEnvelope } from '../http/openapi';
import { CheckReadinessQuery, Readiness, StoreHealth } from './queries/check-readiness/check-readiness.query';

/** A store that answered, failed, or did not answer within READY_TIMEOUT_MS. */
const STORE_HEALTH: StoreHealth[] = ['up', 'down', 'timeout'];

/** Swagger only: the liveness answer. */
class HealthResponse {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

/** Swagger only: how far the projection is behind the log. */
class ProjectionLag {
  @ApiProperty({ type: String, nullable: true, description: 'The last log position the read model has' }) checkpoint!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The log’s last position' }) head!: string | null;
  @ApiProperty() caughtUp!: boolean;
  @ApiProperty({ description: 'How long the oldest event a projection does not have yet has waited; over READY_MAX_LAG_SECONDS, /ready is 503' }) lagSeconds!: number;
}

/** Swagger only: the readiness answer. */
class ReadinessResponse {
  @ApiProperty({ enum: ['ready', 'unavailable'] }) status!: 'ready' | 'unavailable';
  @ApiProperty({ enum: STORE_HEALTH }) eventStore!: StoreHealth;
  @ApiProperty({ enum: STORE_HEALTH }) readStore!: StoreHealth;
  @ApiProperty({ enum: STORE_HEALTH }) keyStore!: StoreHealth;
  @ApiProperty({ enum: STORE_HEALTH }) requestStore!: StoreHealth;
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

  /** Readiness: every store answers in time; the projection's lag is reported. */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: every store answers within READY_TIMEOUT_MS, and how far the projection lags', security: [] })
  @ApiEnvelope(ReadinessResponse, { description: 'Every store answers' })
  @ApiEnvelope(ReadinessResponse, { status: 503, description: 'A store fails or does not answer in time (status "unavailable"), within a bounded time' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Ok<Readiness>> {
    const readiness = await this.queries.execute(new CheckReadinessQuery());
    if (readiness.status !== 'ready') void reply.status(503);
    return ok(readiness);
  }
}
