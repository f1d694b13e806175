import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { CHILD_DISPLAY_NAME_MAX } from '@onehazel/domain';
import { present, trim } from '../../../http/validation';

/** Seed 003 "Mint a child api_key": an optional name for the daemon. */
export class MintChildKeyRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: CHILD_DISPLAY_NAME_MAX, example: 'edge-daemon-eu-1', description: 'Default: agent- and the first 8 characters of the agent id' })
  @ValidateIf(present)
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(CHILD_DISPLAY_NAME_MAX)
  display_name?: string;
}
