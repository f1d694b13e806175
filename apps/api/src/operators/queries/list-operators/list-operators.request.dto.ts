import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { OPERATOR_STATUSES, OperatorStatus } from '@onehazel/domain';
import { CurrentPrincipal, PlatformPrincipal } from '../../../shared/auth/principal';
import { PlatformAuthGuard } from '../../../shared/auth/platform-auth.guard';
import { Page, page } from '../../../shared/http/envelope';
import { ApiEnvelope, ApiErrors } from '../../../shared/http/openapi';
import { DEFAULT_PAGE_SIZE, PageQuery } from '../../../shared/http/pagination';
import { OperatorResponse, toOperatorResponse } from '../../operator.response';
import { ListOperators } from './list-operators.query';

export class ListOperatorsRequest extends PageQuery {
  @ApiPropertyOptional({ enum: OPERATOR_STATUSES })
  @IsOptional()
  @IsIn(OPERATOR_STATUSES, { message: `status must be one of ${OPERATOR_STATUSES.join(', ')}` })
  status?: OperatorStatus;
}

@ApiTags('Platform API: operators')
@ApiBearerAuth('platformKey')
@UseGuards(PlatformAuthGuard)
@Controller('platform-api/operators')
export class ListOperatorsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiEnvelope(OperatorResponse, { page: true, description: 'A page of operators in creation order' })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHORIZED')
  async list(
    @Query() query: ListOperatorsRequest,
    @CurrentPrincipal() principal: PlatformPrincipal,
  ): Promise<Page<OperatorResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const { operators, nextCursor } = await this.queries.execute(
      new ListOperators(principal.platformId, limit, query.cursor, query.status),
    );
    return page(operators.map(toOperatorResponse), limit, nextCursor);
  }
}
