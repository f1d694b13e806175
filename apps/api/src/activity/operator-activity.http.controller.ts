import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CommandContext, DATA_FIELD_NAME_RULE, dataKeyProblems, DomainError, EVENT_TYPE, EVENT_TYPE_RULE } from '@onehazel/domain';
import { Collections, EntityEventView, EntityStateView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../../infrastructure/tokens';
import { CurrentPrincipal, OperatorPrincipal, RequestContext } from '../../shared/auth/principal';
import { OperatorKeyGuard } from '../../shared/auth/operator-auth.guard';
import { Ok, ok, Page, page } from '../../shared/http/envelope';
import { FailureMessage } from '../../shared/http/failure-message';
import { ApiErrors } from '../../shared/http/openapi';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, PageQuery } from '../../shared/http/pagination';
import { findLiveEntity } from '../entities/entity-queries';
import { EXTERNAL_ID_DESCRIPTION } from '../entities/entity.request.dto';
import { ExternalIdPipe, IsExternalId, KeepParsedBody, ParsedBodyField, requireObject, UserNamedMap } from '../shared/names.validation';
import { RecordedActivity, RecordEvent } from './record-event';
import { Idempotent } from '../../shared/http/idempotency.interceptor';

/** Fields an activity event's data may hold. */
const MAX_EVENT_DATA_KEYS = 100;

/** The problems of an event's data: too many fields, or a field's name (DATA_FIELD_NAME_RULE). */
function eventDataProblems(data: Record<string, unknown>): { field: string; problems: string[] }[] {
  const count = Object.keys(data).length;
  if (count > MAX_EVENT_DATA_KEYS) return [{ field: 'data', problems: [`data may hold at most ${MAX_EVENT_DATA_KEYS} fields, not ${count}`] }];
  return dataKeyProblems(data);
}

export class RecordEventRequest {
  @ApiProperty({ example: 'player_12345', description: EXTERNAL_ID_DESCRIPTION, minLength: 1, maxLength: 255 })
  @IsOptional()
  @IsExternalId()
  externalId?: string;

  @ApiProperty({ example: 'deposit', description: `The kind of event: ${EVENT_TYPE_RULE}` })
  @IsOptional()
  @IsString()
  @Matches(EVENT_TYPE, { message: `eventType must be ${EVENT_TYPE_RULE}` })
  eventType?: string;

  @ApiPropertyOptional({ example: '2026-04-06T10:30:00Z', description: 'When it happened; default: now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'occurredAt must be an ISO 8601 date-time' })
  @MaxLength(40)
  occurredAt?: string;

  @ApiPropertyOptional({
    example: { amount: 50, currency: 'GBP', ip_address: '203.0.113.7' },
    description: `The event's fields, at most ${MAX_EVENT_DATA_KEYS}, each named by the rule: ${DATA_FIELD_NAME_RULE}`,
  })
  @UserNamedMap()
  data?: Record<string, unknown>;
}

type ActivityResponse = { id: string; event_type: string; occurred_at: string; data: Record<string, unknown>; redacted: boolean; recorded_at: string };
type StateResponse = {
  external_id: string;
  event_count: number;
  by_type: Record<string, { count: number; sums: Record<string, number> }>;
  first_seen: string | null;
  last_seen: string | null;
};

/** Seed 001's related events and the states derived from them. */
@ApiTags('Operator data API')
@ApiBearerAuth('operatorKey')
@UseGuards(OperatorKeyGuard)
@UseInterceptors(KeepParsedBody)
@Controller('operator-data-api')
export class ActivityHttpController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_STORE) private readonly read: ReadStore,
  ) {}

  @Post('events')
  @Idempotent()
  @HttpCode(201)
  @FailureMessage('Failed to record event')
  @ApiOperation({ summary: 'Record an activity event for an entity (deposit, bet, login...)' })
  @ApiErrors('MISSING_FIELDS', 'VALIDATION_FAILED', 'TEMPLATE_NOT_CONFIGURED', 'UNAUTHORIZED', 'ENTITY_NOT_FOUND', 'RATE_LIMITED', 'INTERNAL_ERROR')
  async record(
    @Body() body: RecordEventRequest,
    @ParsedBodyField('data') parsedData: unknown,
    @CurrentPrincipal() principal: OperatorPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<Ok<RecordedActivity>> {
    const missing = (['externalId', 'eventType'] as const).filter((field) => body[field] == null);
    if (missing.length > 0) {
      throw new DomainError('MISSING_FIELDS', 'externalId or eventType is missing', missing.map((field) => ({ field, problems: [`${field} is required`] })));
    }
    const data = parsedData == null ? {} : requireObject(parsedData, 'data');
    const problems = eventDataProblems(data);
    if (problems.length > 0) throw new DomainError('VALIDATION_FAILED', 'The request is not valid', problems);
    const occurredAt = new Date(body.occurredAt ?? context.at).toISOString();
    return ok(await this.commands.execute(new RecordEvent(principal.operatorId, body.externalId!, body.eventType!, occurredAt, data, context)));
  }

  @Get('entities/:externalId/events')
  @FailureMessage('Failed to list events')
  @ApiOperation({ summary: 'An entity’s events, oldest first; personal fields stay encrypted envelopes' })
  @ApiParam({ name: 'externalId', description: EXTERNAL_ID_DESCRIPTION })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHORIZED', 'ENTITY_NOT_FOUND', 'RATE_LIMITED', 'INTERNAL_ERROR')
  async events(
    @Param('externalId', ExternalIdPipe) externalId: string,
    @Query() query: PageQuery,
    @CurrentPrincipal() principal: OperatorPrincipal,
  ): Promise<Page<ActivityResponse>> {
    const entity = await findLiveEntity(this.read, principal.operatorId, externalId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const found = (await this.read.find(Collections.entityEvents, {
      where: { entityId: entity.id },
      orderBy: 'recordedPosition',
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit: limit + 1,
    })) as EntityEventView[];
    const events = found.slice(0, limit);
    const last = events[events.length - 1];
    const nextCursor = found.length > limit && last ? encodeCursor({ value: last.recordedPosition, id: last.id }) : null;
    return page(
      events.map((e) => ({ id: e.id, event_type: e.eventType, occurred_at: e.occurredAt, data: { ...e.data }, redacted: e.redacted, recorded_at: e.recordedAt })),
      limit,
      nextCursor,
    );
  }

  @Get('entities/:externalId/state')
  @FailureMessage('Failed to read state')
  @ApiOperation({ summary: 'What the entity’s events add up to: counts and sums per event type, first and last seen' })
  @ApiParam({ name: 'externalId', description: EXTERNAL_ID_DESCRIPTION })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHORIZED', 'ENTITY_NOT_FOUND', 'RATE_LIMITED', 'INTERNAL_ERROR')
  async state(
    @Param('externalId', ExternalIdPipe) externalId: string,
    @CurrentPrincipal() principal: OperatorPrincipal,
  ): Promise<Ok<StateResponse>> {
    const entity = await findLiveEntity(this.read, principal.operatorId, externalId);
    const state = (await this.read.get(Collections.entityStates, entity.id)) as EntityStateView | null;
    return ok({
      external_id: externalId,
      event_count: state?.eventCount ?? 0,
      by_type: state?.byType ?? {},
      first_seen: state?.firstSeen ?? null,
      last_seen: state?.lastSeen ?? null,
    });
  }
}
