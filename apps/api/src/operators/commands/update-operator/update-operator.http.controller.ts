import { Body, Controller, Param, Put, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@onehazel/domain';
import { CurrentPrincipal, PlatformPrincipal, RequestContext } from '../../../shared/auth/principal';
import { PlatformAuthGuard } from '../../../shared/auth/platform-auth.guard';
import { Ok, ok } from '../../../shared/http/envelope';
import { ApiEnvelope, ApiErrors } from '../../../shared/http/openapi';
import { UpdateOperatorRequest } from '../../operator-profile.request.dto';
import { OperatorResponse, toOperatorResponse } from '../../operator.response';
import { GetOperator } from '../../queries/get-operator/get-operator.query';
import { UpdateOperator } from './update-operator.command';

@ApiTags('Platform API: operators')
@ApiBearerAuth('platformKey')
@UseGuards(PlatformAuthGuard)
@Controller('platform-api/operators')
export class UpdateOperatorHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put(':id')
  @ApiEnvelope(OperatorResponse, { description: 'The operator after the change' })
  @ApiErrors('VALIDATION_FAILED', 'INVALID_JSON', 'UNAUTHORIZED', 'OPERATOR_NOT_FOUND', 'CONFLICT', 'CONSISTENCY_TIMEOUT')
  async update(
    @Param('id') operatorId: string,
    @Body() body: UpdateOperatorRequest,
    @CurrentPrincipal() principal: PlatformPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<Ok<OperatorResponse>> {
    const { status, ...changes } = body;
    const view = await this.queries.execute(new GetOperator(principal.platformId, operatorId));
    await this.commands.execute(new UpdateOperator(principal.platformId, view.id, changes, status, context));
    return ok(toOperatorResponse(await this.queries.execute(new GetOperator(principal.platformId, operatorId))));
  }
}
