import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, DomainError } from '@onehazel/domain';
import type { FastifyRequest } from 'fastify';
import { AsOfResponse, HistoryEntryResponse } from '../audit/history-entry.response';
import { HistoryQuery, historyWindowOf } from '../audit/history.request.dto';
import { OperatorKeyOrSessionGuard } from '../auth/operator-auth.guard';
import { CurrentPrincipal, OperatorPrincipal, RequestContext } from '../auth/principal';
import { HistoryPageBody, historyPageBody, message, MessageResponse, Ok, ok, Page, page } from '../http/envelope';
import { FailureMessage } from '../http/failure-message';
import { Idempotent } from '../http/idempotency.interceptor';
import { ApiEnvelope, ApiErrors, ApiMessage } from '../http/openapi';
import { PageQuery } from '../http/pagination';
import { DeleteKeyCommand } from './commands/delete-key/delete-key.command';
import { DeleteKeyQuery } from './commands/delete-key/delete-key.request.dto';
import { IssueKeyCommand, IssuedKey } from './commands/issue-key/issue-key.command';
import { CreateKeyRequest } from './commands/issue-key/issue-key.request.dto';
import { RenameKeyCommand } from './commands/rename-key/rename-key.command';
import { RenameKeyRequest } from './commands/rename-key/rename-key.request.dto';
import { RevokeKeyCommand } from './commands/revoke-key/revoke-key.command';
import { KeyIdPipe, knownKeyId } from './key-id';
import { IssuedKeyResponse, KeyResponse, toKeyResponse } from './key.response';
import { GetKeyHistoryQuery } from './queries/get-key-history/get-key-history.query';
import { ListKeysQuery } from './queries/list-keys/list-keys.query';

const KEYS_PAGE_DEFAULT = 100;

/** Seed 002: an operator manages its own keys, with one of its keys or a session (JWT). */
@ApiTags('API keys (operators, seed 002)')
@ApiBearerAuth('operatorKey')
@ApiBearerAuth('operatorSession')
@UseGuards(OperatorKeyOrSessionGuard)
@Controller('api-keys')
export class OperatorApiKeysHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Idempotent()
  @HttpCode(201)
  @FailureMessage('Failed to create key')
  @ApiOperation({ summary: 'Create a key; the plaintext is returned once' })
  @ApiEnvelope(IssuedKeyResponse, { status: 201, description: 'The key, with its plaintext (shown once)' })
  @ApiErrors('MISSING_FIELDS', 'VALIDATION_FAILED', 'TIER_FORBIDDEN', 'OPERATOR_NOT_FOUND', 'KEY_SECRET_UNRECOVERABLE', 'CONFLICT', 'CONSISTENCY_TIMEOUT')
  async create(
    @Body() body: CreateKeyRequest,
    @CurrentPrincipal() principal: OperatorPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<Ok<IssuedKey>> {
    if (!body.operatorId) throw new DomainError('MISSING_FIELDS', 'operatorId is required');
    if (body.operatorId !== principal.operatorId) throw new DomainError('OPERATOR_NOT_FOUND', 'Operator not found');
    return ok(await this.commands.execute(new IssueKeyCommand(principal.operatorId, body.label ?? null, 'operator', context)));
  }

  @Get()
  @FailureMessage('Failed to list keys')
  @ApiOperation({ summary: 'Your keys, with their SHA-256 hashes (never the keys)' })
  @ApiEnvelope(KeyResponse, { page: true, description: 'A page of your keys, revoked ones included' })
  @ApiErrors('VALIDATION_FAILED', 'TIER_FORBIDDEN')
  async list(@Query() query: PageQuery, @CurrentPrincipal() principal: OperatorPrincipal): Promise<Page<KeyResponse>> {
    const limit = query.limit ?? KEYS_PAGE_DEFAULT;
    const { items, nextCursor } = await this.queries.execute(new ListKeysQuery(principal.operatorId, limit, query.cursor));
    return page(items.map(toKeyResponse), limit, nextCursor);
  }

  @Patch()
  @FailureMessage('Failed to rename key')
  @ApiOperation({ summary: 'Rename a key' })
  @ApiMessage(['Key renamed'], { description: 'Renamed' })
  @ApiErrors('MISSING_FIELDS', 'VALIDATION_FAILED', 'TIER_FORBIDDEN', 'API_KEY_NOT_FOUND', 'CONFLICT', 'CONSISTENCY_TIMEOUT')
  async rename(
    @Body() body: RenameKeyRequest,
    @CurrentPrincipal() principal: OperatorPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<MessageResponse> {
    if (!body.id || !body.label) throw new DomainError('MISSING_FIELDS', 'id and label are required');
    await this.commands.execute(new RenameKeyCommand(principal.operatorId, knownKeyId(body.id), body.label, context));
    return message('Key renamed');
  }

  @Delete()
  @FailureMessage((request: FastifyRequest) =>
    (request.query as { hard?: string }).hard === 'true' ? 'Failed to delete key' : 'Failed to revoke key',
  )
  @ApiOperation({ summary: 'Revoke a key (?id=), or remove a revoked key for good (?id=&hard=true)' })
  @ApiMessage(['Key revoked', 'Key deleted'], { description: 'Revoked (idempotent), or deleted with hard=true' })
  @ApiErrors('MISSING_FIELDS', 'VALIDATION_FAILED', 'TIER_FORBIDDEN', 'LAST_ACTIVE_KEY', 'KEY_NOT_REVOKED', 'API_KEY_NOT_FOUND', 'CONFLICT', 'CONSISTENCY_TIMEOUT')
  async revokeOrDelete(
    @Query() query: DeleteKeyQuery,
    @CurrentPrincipal() principal: OperatorPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<MessageResponse> {
    if (!query.id) throw new DomainError('MISSING_FIELDS', "Query parameter 'id' is required");
    const keyId = knownKeyId(query.id);
    if (query.hard === 'true') {
      await this.commands.execute(new DeleteKeyCommand(principal.operatorId, keyId, context));
      return message('Key deleted');
    }
    await this.commands.execute(new RevokeKeyCommand(principal.operatorId, keyId, 'operator', context));
    return message('Key revoked');
  }

  @Get(':id/history')
  @FailureMessage('Failed to read key history')
  @ApiOperation({ summary: 'What happened to one of your keys, replayed from the log; from, to, and what it looked like and could do asOf an instant' })
  @ApiEnvelope(HistoryEntryResponse, { page: true, asOf: AsOfResponse, description: 'A page of the key’s history entries, oldest first; with asOf, its state then' })
  @ApiErrors('VALIDATION_FAILED', 'TIER_FORBIDDEN', 'API_KEY_NOT_FOUND')
  async history(
    @Param('id', KeyIdPipe) keyId: string,
    @Query() query: HistoryQuery,
    @CurrentPrincipal() principal: OperatorPrincipal,
  ): Promise<HistoryPageBody<HistoryEntryResponse, AsOfResponse>> {
    const window = historyWindowOf(query);
    const limit = query.limit ?? KEYS_PAGE_DEFAULT;
    const { items, nextCursor, asOf } = await this.queries.execute(new GetKeyHistoryQuery(principal.operatorId, keyId, window, limit, query.cursor));
    return historyPageBody(items, limit, nextCursor, asOf);
  }
}
