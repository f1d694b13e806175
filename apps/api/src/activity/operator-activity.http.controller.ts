import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, DomainError } from '@onehazel/domain';
import { OperatorKeyGuard } from '../auth/operator-auth.guard';
import { CurrentPrincipal, OperatorPrincipal, RequestContext } from '../auth/principal';
import { Ok, ok, Page, page } from '../http/envelope';
import { FailureMessage } from '../http/failure-message';
import { Idempotent } from '../http/idempotency.interceptor';
import { CountsAsSubmission } from '../http/submission-quota.interceptor';
import { ApiExternalIdParam, ExternalIdPipe, KeepParsedBody, ParsedBodyField, requireObject } from '../http/names.validation';
import { ApiEnvelope, ApiErrors } from '../http/openapi';
import { ActivityResponse, EventTypeTotals, RecordedActivityResponse, StateResponse } from './activity.response';
import { DEFAULT_PAGE_SIZE, PageQuery } from '../http/pagination';
import { RecordActivityCommand, RecordedActivity } from './commands/record-activity/record-activity.command';
import { eventDataProblems, RecordActivityRequest } from './commands/record-activity/record-activity.request.dto';
import { GetEntityStateQuery } from './queries/get-entity-state/get-entity-state.query';
import { ListEntityEventsQuery } from './queries/list-entity-events/list-entity-events.query';

/** Seed 001's related events and the states derived from them. */
@ApiTags('Operator data API')
@ApiBearerAuth('operatorKey')
@UseGuards(OperatorKeyGuard)
@UseInterceptors(KeepParsedBody)
@Controller('operator-data-api')
export class OperatorActivityHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('events')
  @CountsAsSubmission()
  @Idempotent()
  @HttpCode(201)
  @FailureMessage('Failed to record event')
  @ApiOperation({ summary: 'Record an activity event for an entity (deposit, bet, login...)' })
  @ApiEnvelope(RecordedActivityResponse, { status: 201, description: 'Recorded' })
  @ApiErrors('MISSING_FIELDS', 'VALIDATION_FAILED', 'TEMPLATE_NOT_CONFIGURED', 'ENTITY_NOT_FOUND', 'CONSISTENCY_TIMEOUT', 'QUOTA_EXCEEDED')
  async record(
    @Body() body: RecordActivityRequest,
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
    return ok(await this.commands.execute(new RecordActivityCommand(principal.operatorId, body.externalId!, body.eventType!, occurredAt, data, context)));
  }

  @Get('entities/:externalId/events')
  @FailureMessage('Failed to list events')
  @ApiOperation({ summary: 'An entity’s events, oldest first; personal fields stay encrypted envelopes' })
  @ApiExternalIdParam()
  @ApiEnvelope(ActivityResponse, { page: true, description: 'A page of the entity’s events, oldest first' })
  @ApiErrors('VALIDATION_FAILED', 'ENTITY_NOT_FOUND')
  async events(
    @Param('externalId', ExternalIdPipe) externalId: string,
    @Query() query: PageQuery,
    @CurrentPrincipal() principal: OperatorPrincipal,
  ): Promise<Page<ActivityResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const { items, nextCursor } = await this.queries.execute(new ListEntityEventsQuery(principal.operatorId, externalId, limit, query.cursor));
    return page(
      items.map((e) => ({ id: e.id, event_type: e.eventType, occurred_at: e.occurredAt, data: { ...e.data }, redacted: e.redacted, recorded_at: e.recordedAt })),
      limit,
      nextCursor,
    );
  }

  @Get('entities/:externalId/state')
  @FailureMessage('Failed to read state')
  @ApiOperation({ summary: 'What the entity’s events add up to: counts and sums per event type, first and last seen' })
  @ApiExternalIdParam()
  @ApiEnvelope(StateResponse, { description: 'The entity’s totals' })
  @ApiExtraModels(EventTypeTotals)
  @ApiErrors('VALIDATION_FAILED', 'ENTITY_NOT_FOUND')
  async state(@Param('externalId', ExternalIdPipe) externalId: string, @CurrentPrincipal() principal: OperatorPrincipal): Promise<Ok<StateResponse>> {
    const state = await this.queries.execute(new GetEntityStateQuery(principal.operatorId, externalId));
    return ok({ external_id: externalId, event_count: state.eventCount, by_type: state.byType, first_seen: state.firstSeen, last_seen: state.lastSeen });
  }
}
