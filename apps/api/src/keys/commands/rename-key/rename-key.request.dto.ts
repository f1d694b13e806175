import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { KeyLabel } from '../../key-label.validation';

/** Seed 002 "Rename a key": both fields required, checked by the controller for the seed's message. */
export class RenameKeyRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'Required: the key to rename', example: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  id?: string;

  @KeyLabel('Production v2', 'Required')
  label?: string;
}
