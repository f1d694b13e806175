import { Body, Controller, Delete, Get, Param, Post, Query, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, DomainError } from '@onehazel/domain';
import type { FastifyReply } from 'fastify';
import { OperatorKeyGuard } from '../auth/operator-auth.guard';
import { CurrentPrincipal, OperatorPrincipal, RequestContext } from '../auth/principal';
import { AsOfResponse, HistoryEntryResponse } from '../audit/history-entry.response';
import { HistoryQuery, historyWindowOf } from '../audit/history.request.dto';
import { HistoryPageBody, historyPageBody, message, MessageResponse, Ok, ok, Page, page } from '../http/envelope';
import { FailureMessage } from '../http/failure-message';
import { Idempotent } from '../http/idempotency.interceptor';
import { CountsAsSubmission } from '../http/submission-quota.interceptor';
import { ApiExternalIdParam, ExternalIdPipe, KeepParsedBody, ParsedBodyField, requireObject } from '../http/names.validation';
import { ApiEnvelope, ApiErrors, ApiMessage } from '../http/openapi';
import { DEFAULT_PAGE_SIZE } from '../http/pagination';
import { EraseEntityCommand } from './commands/erase-entity/erase-entity.command';
import { UpsertedEntity, UpsertEntityCommand } from './commands/upsert-entity/upsert-entity.command';
import { UpsertEntityRequest } from './commands/upsert-entity/upsert-entity.request.dto';
import { EntityResponse, toEntityResponse, UpsertedEntityResponse } from './entity.response';
import { GetEntityQuery } from './queries/get-entity/get-entity.query';
import { GetEntityHistoryQuery } from './queries/get-entity-history/get-entity-history.query';
import { ListEntitiesQuery } from './queries/list-entities/list-entities.query';
import { ListEntitiesRequest } from './queries/list-entities/list-entities.request.dto';

/** Seed 001: an operator's entities, with personal data encrypted and erasable. */
@ApiTags('Operator data API')
@ApiBearerAuth('operatorKey')
@UseGuards(OperatorKeyGuard)
@UseInterceptors(KeepParsedBody)
@Controller('operator-data-api/entities')
export class OperatorEntitiesHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @CountsAsSubmission()
  @Idempotent()
  @FailureMessage('Failed to save entity')
  @ApiOperation({ summary: 'Create or update an entity by externalId (201 created, 200 updated)' })
  @ApiEnvelope(UpsertedEntityResponse, { status: 201, description: 'Created: action "created"' })
  @ApiEnvelope(UpsertedEntityResponse, { status: 200, description: 'It existed and was updated: action "updated"' })
  @ApiErrors('MISSING_FIELDS', 'VALIDATION_FAILED', 'TEMPLATE_NOT_CONFIGURED', 'CONFLICT', 'CONSISTENCY_TIMEOUT', 'QUOTA_EXCEEDED')
  async upsert(
    @Body() body: UpsertEntityRequest,
    @ParsedBodyField('data') data: unknown,
    @CurrentPrincipal() principal: OperatorPrincipal,
    @RequestContext() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Ok<UpsertedEntity>> {
    const missing = (['entityType', 'externalId', 'data'] as const).filter((field) => (field === 'data' ? data : body[field]) == null);
    if (missing.length > 0) {
      throw new DomainError('MISSING_FIELDS', 'entityType, externalId, or data is missing', missing.map((field) => ({ field, problems: [`${field} is required`] })));
    }
    const result = await this.commands.execute(
      new UpsertEntityCommand(principal.operatorId, body.entityType!, body.externalId!, requireObject(data, 'data'), context),
    );
    void reply.status(result.action === 'created' ? 201 : 200);
    return ok(result);
  }

  @Get()
  @FailureMessage('Failed to list entities')
  @ApiOperation({ summary: 'Your entities (bulk): personal fields stay encrypted envelopes' })
  @ApiEnvelope(EntityResponse, { page: true, description: 'A page of entities, personal fields as envelopes' })
  @ApiErrors('VALIDATION_FAILED')
  async list(@Query() query: ListEntitiesRequest, @CurrentPrincipal() principal: OperatorPrincipal): Promise<Page<EntityResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const { items, nextCursor } = await this.queries.execute(new ListEntitiesQuery(principal.operatorId, query.entityType, limit, query.cursor));
    return page(items.map(toEntityResponse), limit, nextCursor);
  }

  @Get(':externalId')
  @FailureMessage('Failed to read entity')
  @ApiOperation({ summary: 'One entity by externalId, personal fields decrypted' })
  @ApiEnvelope(EntityResponse, { description: 'The entity, personal fields decrypted' })
  @ApiExternalIdParam()
  @ApiErrors('VALIDATION_FAILED', 'ENTITY_NOT_FOUND', 'DATA_UNREADABLE')
  async get(@Param('externalId', ExternalIdPipe) externalId: string, @CurrentPrincipal() principal: OperatorPrincipal): Promise<Ok<EntityResponse>> {
    return ok(toEntityResponse(await this.queries.execute(new GetEntityQuery(principal.operatorId, externalId))));
  }

  @Get(':externalId/history')
  @FailureMessage('Failed to read entity history')
  @ApiOperation({ summary: "An entity's life replayed from the log (created, updated, erased: who and when, never its data); from, to, asOf" })
  @ApiEnvelope(HistoryEntryResponse, { page: true, asOf: AsOfResponse, description: 'A page of the entity’s history entries, oldest first, without data; with asOf, whether it was live then' })
  @ApiExternalIdParam()
  @ApiErrors('VALIDATION_FAILED', 'ENTITY_NOT_FOUND')
  async history(
    @Param('externalId', ExternalIdPipe) externalId: string,
    @Query() query: HistoryQuery,
    @CurrentPrincipal() principal: OperatorPrincipal,
  ): Promise<HistoryPageBody<HistoryEntryResponse, AsOfResponse>> {
    const window = historyWindowOf(query);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const { items, nextCursor, asOf } = await this.queries.execute(new GetEntityHistoryQuery(principal.operatorId, externalId, window, limit, query.cursor));
    return historyPageBody(items, limit, nextCursor, asOf);
  }

  @Delete(':externalId')
  @CountsAsSubmission()
  @FailureMessage('Failed to delete entity')
  @ApiOperation({ summary: 'GDPR erasure: the entity’s key is destroyed; its data is replaced by a deletion marker' })
  @ApiExternalIdParam()
  @ApiMessage(['Entity deleted and data anonymized'], { description: 'Erased' })
  @ApiErrors('VALIDATION_FAILED', 'ENTITY_NOT_FOUND', 'CONFLICT', 'CONSISTENCY_TIMEOUT', 'QUOTA_EXCEEDED')
  async erase(
    @Param('externalId', ExternalIdPipe) externalId: string,
    @CurrentPrincipal() principal: OperatorPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<MessageResponse> {
    await this.commands.execute(new EraseEntityCommand(principal.operatorId, externalId, context));
    return message('Entity deleted and data anonymized');
  }
}
