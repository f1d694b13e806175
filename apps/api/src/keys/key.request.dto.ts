import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { KEY_LABEL_MAX } from '@onehazel/domain';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** Seed 002 "Create a key". operatorId is checked by the controller, for the seed's own message. */
export class CreateKeyRequest {
  @ApiPropertyOptional({ description: 'Required: the operator to create the key for (your own)', example: 'op_3f9a0c1d2e4b5a69' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  operatorId?: string;

  @ApiPropertyOptional({ example: 'Production backend', maxLength: KEY_LABEL_MAX })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(KEY_LABEL_MAX)
  label?: string;
}

/** Seed 000 "Generate a key for an operator". */
export class PlatformCreateKeyRequest {
  @ApiPropertyOptional({ example: 'Platform-provisioned key', maxLength: KEY_LABEL_MAX })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(KEY_LABEL_MAX)
  label?: string;
}

/** Seed 002 "Rename a key": both fields required, checked by the controller for the seed's message. */
export class RenameKeyRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'Required' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  id?: string;

  @ApiPropertyOptional({ example: 'Production v2', maxLength: KEY_LABEL_MAX, description: 'Required' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(KEY_LABEL_MAX)
  label?: string;
}

/** Seed 002 "Revoke a key" / "Hard delete a key". */
export class DeleteKeyQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Required: the key to revoke (or delete)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  id?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: remove an already revoked key for good' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'hard must be true or false' })
  hard?: 'true' | 'false';
}
