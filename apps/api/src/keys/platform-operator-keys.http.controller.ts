import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, DomainError } from '@onehazel/domain';
import { CurrentPrincipal, PlatformPrincipal, RequestContext } from '../shared/auth/principal';
import { PlatformAuthGuard } from '../shared/auth/platform-auth.guard';
import { Ok, ok, Page, page } from '../shared/http/envelope';
import { ApiEnvelope, ApiErrors } from '../shared/http/openapi';
import { PageQuery, pageOf } from '../shared/http/pagination';
import { GetOperator } from '../operators/queries/get-operator/get-operator.query';
import { IssueKey, IssuedKey } from './commands/issue-key/issue-key.command';
import { RevokeKey } from './commands/revoke-key/revoke-key.command';
import { IssuedKeyResponse, KEY_ID_PATTERN, MaskedKeyResponse, message, MessageResponse, toMaskedKeyResponse } from './key.response';
import { PlatformCreateKeyRequest } from './key.request.dto';
import { History, HistoryEntry } from './queries/key-history/key-history.query';
import { ListKeys } from './queries/list-keys/list-keys.query';
import { Idempotent } from '../shared/http/idempotency.interceptor';

const PAGE_DEFAULT = 100;

/** Seed 000 "Manage operator API keys", and the operator's audit history, for its platform. */
@ApiTags('Platform API: operator keys and history')
@ApiBearerAuth('platformKey')
@UseGuards(PlatformAuthGuard)
@Controller('platform-api/operators/:id')
export class OperatorKeysHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** The platform's own operator, or 404 exactly as for one that does not exist. */
  private async operatorOf(principal: PlatformPrincipal, operatorId: string): Promise<string> {
    return (await this.queries.execute(new GetOperator(principal.platformId, operatorId))).id;
  }

  @Post('api-keys')
  @Idempotent()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a key on behalf of the operator; the plaintext is returned once' })
  @ApiEnvelope(IssuedKeyResponse, { status: 201 })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHORIZED', 'OPERATOR_NOT_FOUND', 'KEY_SECRET_UNRECOVERABLE', 'CONSISTENCY_TIMEOUT')
  async create(
    @Param('id') id: string,
    @Body() body: PlatformCreateKeyRequest,
    @CurrentPrincipal() principal: PlatformPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<Ok<IssuedKey>> {
    const operatorId = await this.operatorOf(principal, id);
    return ok(await this.commands.execute(new IssueKey(operatorId, body.label ?? null, 'platform', context)));
  }

  @Get('api-keys')
  @ApiOperation({ summary: "The operator's keys, masked" })
  @ApiEnvelope(MaskedKeyResponse, { page: true })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHORIZED', 'OPERATOR_NOT_FOUND')
  async list(
    @Param('id') id: string,
    @Query() query: PageQuery,
    @CurrentPrincipal() principal: PlatformPrincipal,
  ): Promise<Page<MaskedKeyResponse>> {
    const operatorId = await this.operatorOf(principal, id);
    const limit = query.limit ?? PAGE_DEFAULT;
    const { keys, nextCursor } = await this.queries.execute(new ListKeys(operatorId, limit, query.cursor));
    return page(keys.map(toMaskedKeyResponse), limit, nextCursor);
  }

  @Delete('api-keys/:keyId')
  @ApiOperation({ summary: "Revoke one of the operator's keys (even its last: incident response)" })
  @ApiErrors('UNAUTHORIZED', 'OPERATOR_NOT_FOUND', 'API_KEY_NOT_FOUND', 'CONSISTENCY_TIMEOUT')
  async revoke(
    @Param('id') id: string,
    @Param('keyId') keyId: string,
    @CurrentPrincipal() principal: PlatformPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<MessageResponse> {
    const operatorId = await this.operatorOf(principal, id);
    if (!KEY_ID_PATTERN.test(keyId)) throw new DomainError('API_KEY_NOT_FOUND', 'API key not found');
    await this.commands.execute(new RevokeKey(operatorId, keyId, 'platform', context));
    return message('Key revoked');
  }

  @Get('history')
  @ApiOperation({ summary: "The operator's and its keys' events, replayed from the log (no secrets)" })
  @ApiEnvelope(HistoryEntry, { page: true })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHORIZED', 'OPERATOR_NOT_FOUND')
  async history(
    @Param('id') id: string,
    @Query() query: PageQuery,
    @CurrentPrincipal() principal: PlatformPrincipal,
  ): Promise<Page<HistoryEntry>> {
    const operatorId = await this.operatorOf(principal, id);
    const limit = query.limit ?? PAGE_DEFAULT;
    const { items, nextCursor } = pageOf(await this.queries.execute(new History(operatorId, null)), limit, query.cursor);
    return page(items, limit, nextCursor);
  }
}
