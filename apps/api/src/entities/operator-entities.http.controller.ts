import { Body, Controller, Delete, Get, Param, Post, Query, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CommandContext, DomainError } from '@onehazel/domain';
import type { EntityView } from '@onehazel/projections';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, OperatorPrincipal, RequestContext } from '../../shared/auth/principal';
import { OperatorKeyGuard } from '../../shared/auth/operator-auth.guard';
import { Ok, ok, Page, page } from '../../shared/http/envelope';
import { FailureMessage } from '../../shared/http/failure-message';
import { ApiEnvelope, ApiErrors } from '../../shared/http/openapi';
import { DEFAULT_PAGE_SIZE } from '../../shared/http/pagination';
import { MessageResponse, message } from '../../keys/key.response';
import { EraseEntity, UpsertEntity } from './entity-commands';
import { GetEntity, ListEntities } from './entity-queries';
import { ExternalIdPipe, KeepParsedBody, ParsedBodyField, requireObject } from '../shared/names.validation';
import { EntityResponse, EXTERNAL_ID_DESCRIPTION, ListEntitiesRequest, UpsertedEntityResponse, UpsertEntityRequest } from './entity.request.dto';
import { Idempotent } from '../../shared/http/idempotency.interceptor';

function toEntityResponse(entity: EntityView): EntityResponse {
  return {
    id: entity.id,
    external_id: entity.externalId,
    entity_type: entity.entityType,
    data: { ...entity.data },
    created_at: entity.createdAt,
    updated_at: entity.updatedAt,
  };
}

/** Seed 001: an operator's entities, with personal data encrypted and erasable. */
@ApiTags('Operator data API')
@ApiBearerAuth('operatorKey')
@UseGuards(OperatorKeyGuard)
@UseInterceptors(KeepParsedBody)
@Controller('operator-data-api/entities')
export class EntitiesHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Idempotent()
  @FailureMessage('Failed to save entity')
  @ApiOperation({ summary: 'Create or update an entity by externalId (201 created, 200 updated)' })
  @ApiEnvelope(UpsertedEntityResponse, { status: 201, description: 'Created (200 with action "updated" when it existed)' })
  @ApiErrors('MISSING_FIELDS', 'VALIDATION_FAILED', 'TEMPLATE_NOT_CONFIGURED', 'UNAUTHORIZED', 'RATE_LIMITED', 'INTERNAL_ERROR')
  async upsert(
    @Body() body: UpsertEntityRequest,
    @ParsedBodyField('data') data: unknown,
    @CurrentPrincipal() principal: OperatorPrincipal,
    @RequestContext() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Ok<UpsertedEntityResponse>> {
    const missing = (['entityType', 'externalId', 'data'] as const).filter((field) => (field === 'data' ? data : body[field]) == null);
    if (missing.length > 0) {
      throw new DomainError('MISSING_FIELDS', 'entityType, externalId, or data is missing', missing.map((field) => ({ field, problems: [`${field} is required`] })));
    }
    const result = await this.commands.execute(
      new UpsertEntity(principal.operatorId, body.entityType!, body.externalId!, requireObject(data, 'data'), context),
    );
    void reply.status(result.action === 'created' ? 201 : 200);
    return ok(result);
  }

  @Get()
  @FailureMessage('Failed to list entities')
  @ApiOperation({ summary: 'Your entities (bulk): personal fields stay encrypted envelopes' })
  @ApiEnvelope(EntityResponse, { page: true })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHORIZED', 'RATE_LIMITED', 'INTERNAL_ERROR')
  async list(@Query() query: ListEntitiesRequest, @CurrentPrincipal() principal: OperatorPrincipal): Promise<Page<EntityResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const { entities, nextCursor } = await this.queries.execute(new ListEntities(principal.operatorId, query.entityType, limit, query.cursor));
    return page(entities.map(toEntityResponse), limit, nextCursor);
  }

  @Get(':externalId')
  @FailureMessage('Failed to read entity')
  @ApiOperation({ summary: 'One entity by externalId, personal fields decrypted' })
  @ApiEnvelope(EntityResponse)
  @ApiParam({ name: 'externalId', description: EXTERNAL_ID_DESCRIPTION })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHORIZED', 'ENTITY_NOT_FOUND', 'RATE_LIMITED', 'INTERNAL_ERROR', 'DATA_UNREADABLE')
  async get(
    @Param('externalId', ExternalIdPipe) externalId: string,
    @CurrentPrincipal() principal: OperatorPrincipal,
  ): Promise<Ok<EntityResponse>> {
    return ok(toEntityResponse(await this.queries.execute(new GetEntity(principal.operatorId, externalId))));
  }

  @Delete(':externalId')
  @FailureMessage('Failed to delete entity')
  @ApiOperation({ summary: 'GDPR erasure: the entity’s key is destroyed; its data is replaced by a deletion marker' })
  @ApiParam({ name: 'externalId', description: EXTERNAL_ID_DESCRIPTION })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHORIZED', 'ENTITY_NOT_FOUND', 'RATE_LIMITED', 'INTERNAL_ERROR')
  async erase(
    @Param('externalId', ExternalIdPipe) externalId: string,
    @CurrentPrincipal() principal: OperatorPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<MessageResponse> {
    await this.commands.execute(new EraseEntity(principal.operatorId, externalId, context));
    return message('Entity deleted and data anonymized');
  }
}
