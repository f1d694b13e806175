import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@onehazel/domain';
import { AsOfResponse, HistoryEntryResponse } from '../audit/history-entry.response';
import { HistoryQuery, historyWindowOf } from '../audit/history.request.dto';
import { PlatformAuthGuard } from '../auth/platform-auth.guard';
import { CurrentPrincipal, PlatformPrincipal, RequestContext } from '../auth/principal';
import { HistoryPageBody, historyPageBody, Ok, ok, Page, page } from '../http/envelope';
import { Idempotent } from '../http/idempotency.interceptor';
import { ApiEnvelope, ApiErrors } from '../http/openapi';
import { DEFAULT_PAGE_SIZE } from '../http/pagination';
import { CreateOperatorCommand } from './commands/create-operator/create-operator.command';
import { CreateOperatorRequest } from './commands/create-operator/create-operator.request.dto';
import { SuspendOperatorCommand } from './commands/suspend-operator/suspend-operator.command';
import { UpdateOperatorCommand } from './commands/update-operator/update-operator.command';
import { UpdateOperatorRequest } from './commands/update-operator/update-operator.request.dto';
import { OperatorResponse, toOperatorResponse } from './operator.response';
import { GetOperatorQuery } from './queries/get-operator/get-operator.query';
import { GetOperatorHistoryQuery } from './queries/get-operator-history/get-operator-history.query';
import { ListOperatorsQuery } from './queries/list-operators/list-operators.query';
import { ListOperatorsRequest } from './queries/list-operators/list-operators.request.dto';

/** The platform's full history page: its operators' audit trail is read in larger pages than lists. */
const HISTORY_PAGE_DEFAULT = 100;

/** Seed 000: a platform partner manages its operators (and reads their audit history). */
@ApiTags('Platform API: operators')
@ApiBearerAuth('platformKey')
@UseGuards(PlatformAuthGuard)
@Controller('platform-api/operators')
export class PlatformOperatorsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Idempotent()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an operator under your platform (seed 000)' })
  @ApiEnvelope(OperatorResponse, { status: 201, description: 'The operator, active' })
  @ApiErrors('VALIDATION_FAILED', 'CONFLICT', 'CONSISTENCY_TIMEOUT')
  async create(
    @Body() body: CreateOperatorRequest,
    @CurrentPrincipal() principal: PlatformPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<Ok<OperatorResponse>> {
    const profile = { name: body.name, plan: body.plan ?? 'starter', contactEmail: body.contactEmail, industry: body.industry ?? null };
    const { operatorId } = await this.commands.execute(new CreateOperatorCommand(principal.platformId, profile, context));
    return this.operator(principal, operatorId);
  }

  @Get()
  @ApiOperation({ summary: 'List your operators, a page at a time, optionally of one status' })
  @ApiEnvelope(OperatorResponse, { page: true, description: 'A page of operators in creation order' })
  @ApiErrors('VALIDATION_FAILED')
  async list(@Query() query: ListOperatorsRequest, @CurrentPrincipal() principal: PlatformPrincipal): Promise<Page<OperatorResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const { items, nextCursor } = await this.queries.execute(new ListOperatorsQuery(principal.platformId, limit, query.cursor, query.status));
    return page(items.map(toOperatorResponse), limit, nextCursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your operators: plan, status and profile' })
  @ApiEnvelope(OperatorResponse, { description: 'The operator' })
  @ApiErrors('OPERATOR_NOT_FOUND')
  get(@Param('id') operatorId: string, @CurrentPrincipal() principal: PlatformPrincipal): Promise<Ok<OperatorResponse>> {
    return this.operator(principal, operatorId);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Update an operator’s plan, profile or status (absent fields are left as they are)' })
  @ApiEnvelope(OperatorResponse, { description: 'The operator after the change' })
  @ApiErrors('VALIDATION_FAILED', 'OPERATOR_NOT_FOUND', 'CONFLICT', 'CONSISTENCY_TIMEOUT')
  async update(
    @Param('id') operatorId: string,
    @Body() body: UpdateOperatorRequest,
    @CurrentPrincipal() principal: PlatformPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<Ok<OperatorResponse>> {
    const { status, ...changes } = body;
    const { id } = await this.queries.execute(new GetOperatorQuery(principal.platformId, operatorId));
    await this.commands.execute(new UpdateOperatorCommand(principal.platformId, id, changes, status, context));
    return this.operator(principal, id);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Suspend an operator: its keys and sessions stop working (idempotent)' })
  @ApiEnvelope(OperatorResponse, { description: 'The operator, suspended' })
  @ApiErrors('OPERATOR_NOT_FOUND', 'CONFLICT', 'CONSISTENCY_TIMEOUT')
  async suspend(
    @Param('id') operatorId: string,
    @CurrentPrincipal() principal: PlatformPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<Ok<OperatorResponse>> {
    const { id } = await this.queries.execute(new GetOperatorQuery(principal.platformId, operatorId));
    await this.commands.execute(new SuspendOperatorCommand(principal.platformId, id, context));
    return this.operator(principal, id);
  }

  @Get(':id/history')
  @ApiOperation({ summary: "The operator's and its keys' events, replayed from the log (no secrets); from, to, and its state asOf an instant" })
  @ApiEnvelope(HistoryEntryResponse, { page: true, asOf: AsOfResponse, description: 'A page of history entries, oldest first; with asOf, the state then' })
  @ApiErrors('VALIDATION_FAILED', 'OPERATOR_NOT_FOUND')
  async history(
    @Param('id') operatorId: string,
    @Query() query: HistoryQuery,
    @CurrentPrincipal() principal: PlatformPrincipal,
  ): Promise<HistoryPageBody<HistoryEntryResponse, AsOfResponse>> {
    const window = historyWindowOf(query);
    const { id } = await this.queries.execute(new GetOperatorQuery(principal.platformId, operatorId));
    const limit = query.limit ?? HISTORY_PAGE_DEFAULT;
    const { items, nextCursor, asOf } = await this.queries.execute(new GetOperatorHistoryQuery(id, window, limit, query.cursor));
    return historyPageBody(items, limit, nextCursor, asOf);
  }

  /** The platform's operator as the read model has it now (OPERATOR_NOT_FOUND for another platform's). */
  private async operator(principal: PlatformPrincipal, operatorId: string): Promise<Ok<OperatorResponse>> {
    return ok(toOperatorResponse(await this.queries.execute(new GetOperatorQuery(principal.platformId, operatorId))));
  }
}
