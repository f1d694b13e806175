import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { OPERATOR_PLANS, OperatorPlan } from '@onehazel/domain';
import { lowerTrim, trim } from '../../../http/validation';

/** Seed 000 "Create an operator". */
export class CreateOperatorRequest {
  @ApiProperty({ example: 'Lucky Spin Casino', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ enum: OPERATOR_PLANS, default: 'starter', example: 'professional' })
  @IsOptional()
  @IsIn(OPERATOR_PLANS, { message: `plan must be one of ${OPERATOR_PLANS.join(', ')}` })
  plan?: OperatorPlan;

  @ApiProperty({ example: 'admin@luckyspin.com' })
  @Transform(lowerTrim)
  @IsEmail({}, { message: 'contactEmail must be an email address' })
  @MaxLength(254)
  contactEmail!: string;

  @ApiPropertyOptional({ example: 'igaming', maxLength: 64 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  industry?: string;
}
