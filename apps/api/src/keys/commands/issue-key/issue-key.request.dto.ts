import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { KeyLabel } from '../../key-label.validation';

/** Seed 002 "Create a key". operatorId is checked by the controller, for the seed's own message. */
export class CreateKeyRequest {
  @ApiPropertyOptional({ description: 'Required: the operator to create the key for (your own)', example: 'op_3f9a0c1d2e4b5a69' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  operatorId?: string;

  @KeyLabel('Production backend')
  label?: string;
}

/** Seed 000 "Generate a key for an operator". */
export class PlatformCreateKeyRequest {
  @KeyLabel('Platform-provisioned key')
  label?: string;
}
