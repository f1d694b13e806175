import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@onehazel/domain';
import { CurrentPrincipal, PlatformPrincipal, RequestContext } from '../../../shared/auth/principal';
import { PlatformAuthGuard } from '../../../shared/auth/platform-auth.guard';
import { Ok, ok } from '../../../shared/http/envelope';
import { ApiEnvelope, ApiErrors } from '../../../shared/http/openapi';
import { CreateOperatorRequest } from '../../operator-profile.request.dto';
import { OperatorResponse, toOperatorResponse } from '../../operator.response';
import { GetOperator } from '../../queries/get-operator/get-operator.query';
import { CreateOperator } from './create-operator.command';
import { Idempotent } from '../../../shared/http/idempotency.interceptor';

@ApiTags('Platform API: operators')
@ApiBearerAuth('platformKey')
@UseGuards(PlatformAuthGuard)
@Controller('platform-api/operators')
export class CreateOperatorHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Idempotent()
  @HttpCode(201)
  @ApiEnvelope(OperatorResponse, { status: 201, description: 'The operator, active' })
  @ApiErrors('VALIDATION_FAILED', 'INVALID_JSON', 'UNAUTHORIZED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'CONSISTENCY_TIMEOUT')
  async create(
    @Body() body: CreateOperatorRequest,
    @CurrentPrincipal() principal: PlatformPrincipal,
    @RequestContext() context: CommandContext,
  ): Promise<Ok<OperatorResponse>> {
    const profile = {
      name: body.name,
      plan: body.plan ?? 'starter',
      contactEmail: body.contactEmail,
      industry: body.industry ?? null,
    };
    const { operatorId } = await this.commands.execute(new CreateOperator(principal.platformId, profile, context));
    const view = await this.queries.execute(new GetOperator(principal.platformId, operatorId));
    return ok(toOperatorResponse(view));
  }
}
