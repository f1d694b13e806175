import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** Seed 002 "Revoke a key" / "Hard delete a key": one route, `hard=true` deletes. */
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
