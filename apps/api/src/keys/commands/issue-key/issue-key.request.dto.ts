import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { KEY_LABEL_MAX } from '@onehazel/domain';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** An optional key label: trimmed, 1 to KEY_LABEL_MAX characters. */
const Label = (example: string, description?: string) =>
  applyDecorators(
    ApiPropertyOptional({ example, maxLength: KEY_LABEL_MAX, description }),
    IsOptional(),
    Transform(trim),
    IsString(),
    IsNotEmpty(),
    MaxLength(KEY_LABEL_MAX),
  );

/** Seed 002 "Create a key". operatorId is checked by the controller, for the seed's own message. */
export class CreateKeyRequest {
  @ApiPropertyOptional({ description: 'Required: the operator to create the key for (your own)', example: 'op_3f9a0c1d2e4b5a69' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  operatorId?: string;

  @Label('Production backend')
  label?: string;
}

/** Seed 000 "Generate a key for an operator". */
export class PlatformCreateKeyRequest {
  @Label('Platform-provisioned key')
  label?: string;
}

/** Seed 002 "Rename a key": both fields required, checked by the controller for the seed's message. */
export class RenameKeyRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'Required' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  id?: string;

  @Label('Production v2', 'Required')
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
