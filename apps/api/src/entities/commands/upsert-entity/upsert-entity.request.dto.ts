import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { DATA_FIELD_NAME_RULE, EXTERNAL_ID_RULE, MAX_DATA_KEYS, MAX_EXTRA_FIELDS } from '@onehazel/domain';
import { PageQuery } from '../../shared/http/pagination';
import { IsExternalId, UserNamedMap } from '../shared/names.validation';

/** The OpenAPI description of an externalId, in bodies and paths. */
export const EXTERNAL_ID_DESCRIPTION = `Your unique identifier for this entity: ${EXTERNAL_ID_RULE}`;

/** Seed 001 "Create or update an entity". Presence is checked by the controller (MISSING_FIELDS). */
export class UpsertEntityRequest {
  @ApiProperty({ example: 'player', description: 'An entity type of your template' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  entityType?: string;

  @ApiProperty({ example: 'player_12345', description: EXTERNAL_ID_DESCRIPTION, minLength: 1, maxLength: 255 })
  @IsOptional()
  @IsExternalId()
  externalId?: string;

  @ApiProperty({
    example: { first_name: 'James', email: 'james.wilson@example.com', country: 'GB', currency: 'GBP' },
    description:
      `The fields of the entity type, checked against your template. A field the template does not declare is refused ` +
      `(VALIDATION_FAILED naming it) unless the entity type has allow_extra_fields: true; then at most ${MAX_EXTRA_FIELDS} ` +
      `such fields, named by the rule: ${DATA_FIELD_NAME_RULE}, stored encrypted. At most ${MAX_DATA_KEYS} fields in all.`,
  })
  @UserNamedMap()
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

