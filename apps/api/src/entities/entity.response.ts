import { ApiProperty } from '@nestjs/swagger';
import type { EntityView } from '@onehazel/projections';

export class UpsertedEntityResponse {
  @ApiProperty({ example: 'ent_a1b2c3d4e5f67890' }) id!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty() entityType!: string;
  @ApiProperty({ enum: ['created', 'updated'] }) action!: 'created' | 'updated';
}

/** Seed 001's shape for reading an entity (snake_case, as the seed documents it). */
export class EntityResponse {
  @ApiProperty({ example: 'ent_a1b2c3d4e5f67890' }) id!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Your externalId (stored encrypted; null in a list for an entity being erased)' })
  external_id!: string | null;
  @ApiProperty() entity_type!: string;
  @ApiProperty({ description: 'Personal fields decrypted on GET by externalId; envelopes ("oh1....") in lists' })
  data!: Record<string, unknown>;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
}

export function toEntityResponse(entity: EntityView): EntityResponse {
  return {
    id: entity.id,
    external_id: entity.externalId,
    entity_type: entity.entityType,
    data: { ...entity.data },
    created_at: entity.createdAt,
    updated_at: entity.updatedAt,
  };
}
