import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@onehazel/domain';
import { Ok, ok } from '../http/envelope';
import { ApiEnvelope, ApiErrors } from '../http/openapi';
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
  @ApiErrors('SERVICE_UNAVAILABLE')
  async ready(): Promise<Ok<Readiness>> {
    const readiness = await this.queries.execute(new CheckReadinessQuery());
    if (readiness.status !== 'ready') {
      // 503 in the error envelope, within a bounded time; the details are the same readiness report.
      throw new DomainError('SERVICE_UNAVAILABLE', `Not ready: ${notReadyBecause(readiness)}`, readiness);
    }
    return ok(readiness);
  }
}

/** Which stores failed or did not answer, and the projection's lag, in words. */
function notReadyBecause(readiness: Readiness): string {
  const stores = (['eventStore', 'readStore', 'keyStore', 'requestStore'] as const).filter((store) => readiness[store] !== 'up').map((store) => `${store} ${readiness[store]}`);
  const lag = readiness.projection === null ? ['projection lag unknown'] : stores.length === 0 ? [`projection ${readiness.projection.lagSeconds} s behind the log`] : [];
  return [...stores, ...lag].join(', ');
}
