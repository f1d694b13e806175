import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { DATA_FIELD_NAME_RULE, MAX_DATA_KEYS, MAX_EXTRA_FIELDS } from '@onehazel/domain';
import { EXTERNAL_ID_DESCRIPTION, IsExternalId, UserNamedMap } from '../../../http/names.validation';

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
    example: {
      first_name: 'James',
      last_name: 'Wilson',
      email: 'james.wilson@example.com',
      country: 'GB',
      currency: 'GBP',
      date_of_birth: '1992-03-15',
      registration_date: '2026-04-06T10:30:00Z',
      status: 'active',
      vip_level: 'bronze',
    },
    description:
      `The fields of the entity type, checked against your template. A field the template does not declare is refused ` +
      `(VALIDATION_FAILED naming it) unless the entity type has allow_extra_fields: true; then at most ${MAX_EXTRA_FIELDS} ` +
      `such fields, named by the rule: ${DATA_FIELD_NAME_RULE}, stored encrypted. At most ${MAX_DATA_KEYS} fields in all.`,
  })
  @UserNamedMap()
  data?: Record<string, unknown>;
}
