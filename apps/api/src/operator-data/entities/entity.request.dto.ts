import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../../shared/http/pagination';

/** Printable, no control characters: externalIds are the operator's own identifiers. */
export const EXTERNAL_ID = /^[^\u0000-\u001f\u007f]{1,255}$/;

/** Seed 001 "Create or update an entity". Presence is checked by the controller (MISSING_FIELDS). */
export class UpsertEntityRequest {
  @ApiProperty({ example: 'player', description: 'An entity type of your template' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  entityType?: string;

  @ApiProperty({ example: 'player_12345', description: 'Your unique identifier for this entity' })
  @IsOptional()
  @IsString()
  @Matches(EXTERNAL_ID, { message: 'externalId must be 1 to 255 characters, without control characters' })
  externalId?: string;

  @ApiProperty({ example: { first_name: 'James', email: 'james.wilson@example.com', country: 'GB', currency: 'GBP' } })
  @IsOptional()
  @IsObject({ message: 'data must be an object' })
  data?: Record<string, unknown>;
}

export class ListEntitiesRequest extends PageQuery {
  @ApiPropertyOptional({ example: 'player' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entityType?: string;
}

export class UpsertedEntityResponse {
  @ApiProperty({ example: 'ent_a1b2c3d4e5f67890' }) id!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty() entityType!: string;
  @ApiProperty({ enum: ['created', 'updated'] }) action!: 'created' | 'updated';
}

/** Seed 001's shape for reading an entity (snake_case, as the seed documents it). */
export class EntityResponse {
  @ApiProperty({ example: 'ent_a1b2c3d4e5f67890' }) id!: string;
  @ApiProperty() external_id!: string;
  @ApiProperty() entity_type!: string;
  @ApiProperty({ description: 'Personal fields decrypted on GET by externalId; envelopes ("oh1....") in lists' })
  data!: Record<string, unknown>;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
}

