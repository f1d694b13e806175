import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { FIELD_TYPES, FieldType, MAX_EXTRA_FIELDS } from '@onehazel/domain';

/** One field of an entity type: the kind of value it holds. */
@ApiSchema({ name: 'TemplateField' })
export class TemplateFieldSchema {
  @ApiProperty({ enum: FIELD_TYPES, example: 'string' }) type!: FieldType;
}

/** An entity type of a template (keys of `fields` are the field names). */
@ApiSchema({ name: 'EntityType' })
export class EntityTypeSchema {
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/TemplateField' },
    description: 'The fields, by name',
    example: { email: { type: 'email' }, country: { type: 'string' } },
  })
  fields!: Record<string, TemplateFieldSchema>;

  @ApiProperty({ type: [String], description: 'Fields every entity of this type must have', example: ['email'] })
  required!: string[];

  @ApiProperty({ type: [String], description: 'Personal data: stored encrypted, erasable', example: ['email'] })
  pii_fields!: string[];

  @ApiPropertyOptional({ description: `true: data may hold up to ${MAX_EXTRA_FIELDS} fields the type does not declare (stored encrypted)` })
  allow_extra_fields?: boolean;
}

/** A template: the entity types an operator's data has (keys of `entity_types` are the type names). */
@ApiSchema({ name: 'Template' })
export class TemplateSchema {
  @ApiProperty({ example: 'shop', description: '1 to 64 lower-case letters, digits or underscores, starting with a letter' })
  name!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/EntityType' },
    description: 'The entity types, by name',
    example: { customer: { fields: { email: { type: 'email' } }, required: ['email'], pii_fields: ['email'] } },
  })
  entity_types!: Record<string, EntityTypeSchema>;

  @ApiPropertyOptional({ type: [String], description: 'Fields of activity events that are personal data', example: ['ip_address'] })
  event_pii_fields?: string[];
}

/** The operator's settings: its template, as stored (a built-in's full definition when one was chosen). */
@ApiSchema({ name: 'Settings' })
export class SettingsResponse {
  @ApiProperty({ type: TemplateSchema }) template!: TemplateSchema;
  @ApiProperty({ format: 'date-time', example: '2026-04-06T10:30:00.000Z' }) configuredAt!: string;
}
