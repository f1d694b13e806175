import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { OPERATOR_PLANS, OPERATOR_STATUSES, OperatorPlan, OperatorStatus } from '@onehazel/domain';
import { lowerTrim, present, trim } from '../../../http/validation';

/** Seed 000 "Update an operator": absent fields are left as they are. */
export class UpdateOperatorRequest {
  @ApiPropertyOptional({ maxLength: 200, example: 'Lucky Spin Casino' })
  @ValidateIf(present)
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: OPERATOR_PLANS, example: 'enterprise' })
  @ValidateIf(present)
  @IsIn(OPERATOR_PLANS, { message: `plan must be one of ${OPERATOR_PLANS.join(', ')}` })
  plan?: OperatorPlan;

  @ApiPropertyOptional({ example: 'admin@luckyspin.com' })
  @ValidateIf(present)
  @Transform(lowerTrim)
  @IsEmail({}, { message: 'contactEmail must be an email address' })
  @MaxLength(254)
  contactEmail?: string;

  @ApiPropertyOptional({ maxLength: 64, nullable: true, type: String, description: 'null clears it', example: 'igaming' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  industry?: string | null;

  @ApiPropertyOptional({ enum: OPERATOR_STATUSES, description: '"active" reactivates, "suspended" suspends', example: 'active' })
  @ValidateIf(present)
  @IsIn(OPERATOR_STATUSES, { message: `status must be one of ${OPERATOR_STATUSES.join(', ')}` })
  status?: OperatorStatus;
}
