import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { OPERATOR_STATUSES, OperatorStatus } from '@onehazel/domain';
import { PageQuery } from '../../../http/pagination';

/** Seed 000 "List operators": a page, optionally only those of one status. */
export class ListOperatorsRequest extends PageQuery {
  @ApiPropertyOptional({ enum: OPERATOR_STATUSES })
  @IsOptional()
  @IsIn(OPERATOR_STATUSES, { message: `status must be one of ${OPERATOR_STATUSES.join(', ')}` })
  status?: OperatorStatus;
}
