import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../../http/pagination';

/** Seed 001 "List entities": a page, optionally of one entity type. */
export class ListEntitiesRequest extends PageQuery {
  @ApiPropertyOptional({ example: 'player' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entityType?: string;
}
