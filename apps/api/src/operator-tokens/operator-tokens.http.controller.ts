import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CHILD_QUOTA_PCT_DEFAULT, CommandContext, MONTHLY_QUOTA_DEFAULT } from '@onehazel/domain';
import type { FastifyRequest } from 'fastify';
import { OperatorKeyOrSessionGuard } from '../auth/operator-auth.guard';
import { CurrentPrincipal, OperatorPrincipal, RequestContext } from '../auth/principal';
import { AsOfResponse, HistoryEntryResponse } from '../audit/history-entry.response';
import { HistoryQuery, historyWindowOf } from '../audit/history.request.dto';
import { HistoryPageBody, historyPageBody, Ok, ok } from '../http/envelope';
import { FailureMessage } from '../http/failure-message';
import { Idempotent } from '../http/idempotency.interceptor';
import { ApiEnvelope, ApiErrors } from '../http/openapi';
import { PageQuery } from '../http/pagination';
import { MintOperatorTokenCommand } from './commands/mint-operator-token/mint-operator-token.command';
import { MintOperatorTokenRequest } from './commands/mint-operator-token/mint-operator-token.request.dto';
import { RevokeOperatorTokenCommand } from './commands/revoke-operator-token/revoke-operator-token.command';
import { RevokeOperatorTokenQuery } from './commands/revoke-operator-token/revoke-operator-token.request.dto';
import { baseUrlOf, tokenNextSteps } from './next-steps';
import {
  MintedOperatorTokenResponse,
  OperatorTokenDetailResponse,
  OperatorTokenListResponse,
  RevokedOperatorTokenResponse,
  toMintedOperatorTokenResponse,
  toOperatorTokenDetailResponse,
  toOperatorTokenResponse,
  toRevokedOperatorTokenResponse,
} from './operator-token.response';
import { GetOperatorTokenQuery } from './queries/get-operator-token/get-operator-token.query';
import { GetOperatorTokenHistoryQuery } from './queries/get-operator-token-history/get-operator-token-history.query';
import { ListOperatorTokensQuery } from './queries/list-operator-tokens/list-operator-tokens.query';
import { OperatorTokenIdPipe } from './token-id';

const CHILDREN_PAGE_DEFAULT = 100;

/** Seed 003: an operator's tokens, managed with one of its own keys or a session (child keys: 403). */
@ApiTags('Operator tokens (seed 003)')
@ApiBearerAuth('operatorKey')
@ApiBearerAuth('operatorSession')
@UseGuards(OperatorKeyOrSessionGuard)
@Controller('api/v1/operator-tokens')
export class OperatorTokensHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @FailureMessage('Failed to list operator tokens')
  @ApiOperation({ summary: "The caller's active operator tokens (no secrets), with this month's usage" })
  @ApiEnvelope(OperatorTokenListResponse, { description: 'Every active token, oldest first' })
  @ApiErrors('TIER_FORBIDDEN')
  async list(@CurrentPrincipal() principal: OperatorPrincipal): Promise<Ok<OperatorTokenListResponse>> {
    const tokens = await this.queries.execute(new ListOperatorTokensQuery(principal.operatorId));
    return ok({ tokens: tokens.map(toOperatorTokenResponse) });
  }

  @Post()
  @Idempotent()
  @HttpCode(201)
  @FailureMessage('Failed to mint operator token')
  @ApiOperation({ summary: 'Mint an operator token: its plaintext is returned once' })
  @ApiEnvelope(MintedOperatorTokenResponse, { status: 201, description: 'The token, its plaintext (shown once) and next steps' })
  @ApiErrors('VALIDATION_FAILED', 'TIER_FORBIDDEN', 'MAX_OPERATOR_TOKENS', 'KEY_SECRET_UNRECOVERABLE', 'CONFLICT', 'CONSISTENCY_TIMEOUT')
  async mint(
    @Body() body: MintOperatorTokenRequest,
    @CurrentPrincipal() principal: OperatorPrincipal,
    @RequestContext() context: CommandContext,
    @Req() request: FastifyRequest,
  ): Promise<Ok<MintedOperatorTokenResponse>> {
    const minted = await this.commands.execute(
      new MintOperatorTokenCommand(
        principal.operatorId,
        body.label ?? null,
        body.monthly_quota_submissions ?? MONTHLY_QUOTA_DEFAULT,
        body.child_quota_pct ?? CHILD_QUOTA_PCT_DEFAULT,
        context,
      ),
    );
    return ok(toMintedOperatorTokenResponse(minted, tokenNextSteps(baseUrlOf(request), minted.token)));
  }

  @Get(':id')
  @FailureMessage('Failed to read operator token')
  @ApiOperation({ summary: "One of your operator tokens: this month's usage, the reset instant, and its child keys' usage" })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiEnvelope(OperatorTokenDetailResponse, { description: 'The token, revoked or not, and a page of its child keys (limit, cursor)' })
  @ApiErrors('VALIDATION_FAILED', 'TIER_FORBIDDEN', 'UNKNOWN_OPERATOR_TOKEN')
  async get(
    @Param('id', OperatorTokenIdPipe) tokenId: string,
    @Query() query: PageQuery,
    @CurrentPrincipal() principal: OperatorPrincipal,
  ): Promise<Ok<OperatorTokenDetailResponse>> {
    const detail = await this.queries.execute(new GetOperatorTokenQuery(principal.operatorId, tokenId, query.limit ?? CHILDREN_PAGE_DEFAULT, query.cursor));
    return ok(toOperatorTokenDetailResponse(detail));
  }

  @Get(':id/history')
  @FailureMessage('Failed to read operator token history')
  @ApiOperation({ summary: 'An operator token’s history, replayed from the log; from, to, and asOf an instant its state with the child keys that were live' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiEnvelope(HistoryEntryResponse, { page: true, asOf: AsOfResponse, description: 'A page of the token’s and its children’s history entries, oldest first; with asOf, its state then' })
  @ApiErrors('VALIDATION_FAILED', 'TIER_FORBIDDEN', 'UNKNOWN_OPERATOR_TOKEN')
  async history(
    @Param('id', OperatorTokenIdPipe) tokenId: string,
    @Query() query: HistoryQuery,
    @CurrentPrincipal() principal: OperatorPrincipal,
  ): Promise<HistoryPageBody<HistoryEntryResponse, AsOfResponse>> {
    const window = historyWindowOf(query);
    const limit = query.limit ?? CHILDREN_PAGE_DEFAULT;
    const { items, nextCursor, asOf } = await this.queries.execute(new GetOperatorTokenHistoryQuery(principal.operatorId, tokenId, window, limit, query.cursor));
    return historyPageBody(items, limit, nextCursor, asOf);
  }

  @Delete(':id')
  @FailureMessage('Failed to revoke operator token')
  @ApiOperation({ summary: 'Revoke an operator token; ?cascade=true also revokes every child key it minted' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiEnvelope(RevokedOperatorTokenResponse, { description: 'Revoked (idempotent), with how many child keys this request revoked' })
  @ApiErrors('VALIDATION_FAILED', 'TIER_FORBIDDEN', 'UNKNOWN_OPERATOR_TOKEN', 'CONFLICT', 'CONSISTENCY_TIMEOUT')
  async revoke(
    @Param('id', OperatorTokenIdPipe) tokenId: string,
    @Query() query: RevokeOperatorTokenQuery,
    @CurrentPrincipal() principal: OperatorPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<Ok<RevokedOperatorTokenResponse>> {
    const revoked = await this.commands.execute(new RevokeOperatorTokenCommand(principal.operatorId, tokenId, query.cascade === 'true', context));
    return ok(toRevokedOperatorTokenResponse(revoked));
  }
}
