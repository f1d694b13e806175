import { Controller, Delete, Param, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@onehazel/domain';
import { CurrentPrincipal, PlatformPrincipal, RequestContext } from '../../../shared/auth/principal';
import { PlatformAuthGuard } from '../../../shared/auth/platform-auth.guard';
import { Ok, ok } from '../../../shared/http/envelope';
import { ApiEnvelope, ApiErrors } from '../../../shared/http/openapi';
import { OperatorResponse, toOperatorResponse } from '../../operator.response';
import { GetOperator } from '../../queries/get-operator/get-operator.query';
import { SuspendOperator } from './suspend-operator.command';

@ApiTags('Platform API: operators')
@ApiBearerAuth('platformKey')
@UseGuards(PlatformAuthGuard)
@Controller('platform-api/operators')
export class SuspendOperatorHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Delete(':id')
  @ApiEnvelope(OperatorResponse, { description: 'The operator, suspended (idempotent)' })
  @ApiErrors('UNAUTHORIZED', 'OPERATOR_NOT_FOUND', 'CONFLICT', 'CONSISTENCY_TIMEOUT')
  async suspend(
    @Param('id') operatorId: string,
    @CurrentPrincipal() principal: PlatformPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<Ok<OperatorResponse>> {
    const view = await this.queries.execute(new GetOperator(principal.platformId, operatorId));
    await this.commands.execute(new SuspendOperator(principal.platformId, view.id, context));
    return ok(toOperatorResponse(await this.queries.execute(new GetOperator(principal.platformId, operatorId))));
  }
}
