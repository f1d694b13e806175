import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@onehazel/domain';
import { PlatformAuthGuard } from '../auth/platform-auth.guard';
import { CurrentPrincipal, PlatformPrincipal, RequestContext } from '../auth/principal';
import { message, MessageResponse, Ok, ok, Page, page } from '../http/envelope';
import { Idempotent } from '../http/idempotency.interceptor';
import { ApiEnvelope, ApiErrors, ApiMessage } from '../http/openapi';
import { PageQuery } from '../http/pagination';
import { GetOperatorQuery } from '../operators/queries/get-operator/get-operator.query';
import { IssueKeyCommand, IssuedKey } from './commands/issue-key/issue-key.command';
import { PlatformCreateKeyRequest } from './commands/issue-key/issue-key.request.dto';
import { RevokeKeyCommand } from './commands/revoke-key/revoke-key.command';
import { KeyIdPipe } from './key-id';
import { IssuedKeyResponse, MaskedKeyResponse, toMaskedKeyResponse } from './key.response';
import { ListKeysQuery } from './queries/list-keys/list-keys.query';

const PAGE_DEFAULT = 100;

/** Seed 000 "Manage operator API keys", for the operator's platform. */
@ApiTags('Platform API: operator keys')
@ApiBearerAuth('platformKey')
@UseGuards(PlatformAuthGuard)
@Controller('platform-api/operators/:id/api-keys')
export class PlatformOperatorKeysHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Idempotent()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a key on behalf of the operator; the plaintext is returned once' })
  @ApiEnvelope(IssuedKeyResponse, { status: 201, description: 'The key, with its plaintext (shown once)' })
  @ApiErrors('VALIDATION_FAILED', 'OPERATOR_NOT_FOUND', 'KEY_SECRET_UNRECOVERABLE', 'CONFLICT', 'CONSISTENCY_TIMEOUT')
  async create(
    @Param('id') id: string,
    @Body() body: PlatformCreateKeyRequest,
    @CurrentPrincipal() principal: PlatformPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<Ok<IssuedKey>> {
    const operatorId = await this.operatorOf(principal, id);
    return ok(await this.commands.execute(new IssueKeyCommand(operatorId, body.label ?? null, 'platform', context)));
  }

  @Get()
  @ApiOperation({ summary: "The operator's keys, masked" })
  @ApiEnvelope(MaskedKeyResponse, { page: true, description: 'A page of the operator’s keys, masked' })
  @ApiErrors('VALIDATION_FAILED', 'OPERATOR_NOT_FOUND')
  async list(@Param('id') id: string, @Query() query: PageQuery, @CurrentPrincipal() principal: PlatformPrincipal): Promise<Page<MaskedKeyResponse>> {
    const operatorId = await this.operatorOf(principal, id);
    const limit = query.limit ?? PAGE_DEFAULT;
    const { items, nextCursor } = await this.queries.execute(new ListKeysQuery(operatorId, limit, query.cursor));
    return page(items.map(toMaskedKeyResponse), limit, nextCursor);
  }

  @Delete(':keyId')
  @ApiOperation({ summary: "Revoke one of the operator's keys (even its last: incident response)" })
  @ApiMessage(['Key revoked'], { description: 'Revoked (idempotent)' })
  @ApiErrors('OPERATOR_NOT_FOUND', 'API_KEY_NOT_FOUND', 'CONFLICT', 'CONSISTENCY_TIMEOUT')
  async revoke(
    @Param('id') id: string,
    @Param('keyId') keyId: string,
    @CurrentPrincipal() principal: PlatformPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<MessageResponse> {
    // The operator first: another platform's operator is OPERATOR_NOT_FOUND whatever the key id.
    const operatorId = await this.operatorOf(principal, id);
    await this.commands.execute(new RevokeKeyCommand(operatorId, new KeyIdPipe().transform(keyId), 'platform', context));
    return message('Key revoked');
  }

  /** The platform's own operator, or 404 exactly as for one that does not exist. */
  private async operatorOf(principal: PlatformPrincipal, operatorId: string): Promise<string> {
    return (await this.queries.execute(new GetOperatorQuery(principal.platformId, operatorId))).id;
  }
}
