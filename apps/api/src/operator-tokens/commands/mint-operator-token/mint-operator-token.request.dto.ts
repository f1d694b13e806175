import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import {
  CHILD_QUOTA_PCT_DEFAULT,
  CHILD_QUOTA_PCT_MAX,
  CHILD_QUOTA_PCT_MIN,
  MONTHLY_QUOTA_DEFAULT,
  MONTHLY_QUOTA_MAX,
  MONTHLY_QUOTA_MIN,
  OPERATOR_TOKEN_LABEL_MAX,
} from '@onehazel/domain';
import { present, trim } from '../../../http/validation';

/** Seed 003 "Mint a new operator token": every field optional, snake_case as the seed has it. */
export class MintOperatorTokenRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: OPERATOR_TOKEN_LABEL_MAX, example: 'eu-west fleet' })
  @ValidateIf(present)
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(OPERATOR_TOKEN_LABEL_MAX)
  label?: string;

  @ApiPropertyOptional({
    minimum: MONTHLY_QUOTA_MIN,
    maximum: MONTHLY_QUOTA_MAX,
    default: MONTHLY_QUOTA_DEFAULT,
    description: 'Submissions the token’s children may make together per calendar month (UTC)',
  })
  @ValidateIf(present)
  @IsInt()
  @Min(MONTHLY_QUOTA_MIN)
  @Max(MONTHLY_QUOTA_MAX)
  monthly_quota_submissions?: number;

  @ApiPropertyOptional({
    minimum: CHILD_QUOTA_PCT_MIN,
    maximum: CHILD_QUOTA_PCT_MAX,
    default: CHILD_QUOTA_PCT_DEFAULT,
    description: 'The most one child may use of the monthly pool, in percent: floor(quota × pct / 100), at least 1',
  })
  @ValidateIf(present)
  @IsInt()
  @Min(CHILD_QUOTA_PCT_MIN)
  @Max(CHILD_QUOTA_PCT_MAX)
  child_quota_pct?: number;
}
