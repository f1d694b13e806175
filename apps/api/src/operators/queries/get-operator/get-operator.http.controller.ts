import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, PlatformPrincipal } from '../../../shared/auth/principal';
import { PlatformAuthGuard } from '../../../shared/auth/platform-auth.guard';
import { Ok, ok } from '../../../shared/http/envelope';
import { ApiEnvelope, ApiErrors } from '../../../shared/http/openapi';
import { OperatorResponse, toOperatorResponse } from '../../operator.response';
import { GetOperator } from './get-operator.query';

@ApiTags('Platform API: operators')
@ApiBearerAuth('platformKey')
@UseGuards(PlatformAuthGuard)
@Controller('platform-api/operators')
export class GetOperatorHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @ApiEnvelope(OperatorResponse)
  @ApiErrors('UNAUTHORIZED', 'OPERATOR_NOT_FOUND')
  async get(@Param('id') operatorId: string, @CurrentPrincipal() principal: PlatformPrincipal): Promise<Ok<OperatorResponse>> {
    return ok(toOperatorResponse(await this.queries.execute(new GetOperator(principal.platformId, operatorId))));
  }
}
