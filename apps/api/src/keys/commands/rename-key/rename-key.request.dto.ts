import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { KeyLabel } from '../../key-label.validation';

/** Seed 002 "Rename a key": both fields required, checked by the controller for the seed's message. */
export class RenameKeyRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'Required' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  id?: string;

  @KeyLabel('Production v2', 'Required')
  label?: string;
}
