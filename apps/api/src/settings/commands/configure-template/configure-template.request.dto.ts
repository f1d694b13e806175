import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { BUILT_IN_TEMPLATES, MAX_EXTRA_FIELDS } from '@onehazel/domain';
import { TemplateSchema } from '../../settings.response';
import { UserNamedMap } from '../../../http/names.validation';

/** Seed 001 "call PUT /settings first": a built-in template's name, or a template of the operator's own. */
export class ConfigureTemplateRequest {
  @ApiProperty({
    description:
      'A built-in template\'s name ("igaming"), or a template of your own: { name, entity_types: { <type>: { fields: { <field>: { type } }, ' +
      'required, pii_fields, allow_extra_fields? } }, event_pii_fields? }. Names (template, entity types, fields) are 1 to 64 ' +
      'lower-case letters, digits or underscores, starting with a letter. allow_extra_fields: true lets entity data hold up to ' +
      `${MAX_EXTRA_FIELDS} fields the entity type does not declare (stored encrypted); without it they are refused.`,
    oneOf: [
      { type: 'string', enum: [...BUILT_IN_TEMPLATES.keys()], description: 'A built-in template', example: 'igaming' },
      { $ref: getSchemaPath(TemplateSchema) },
    ],
    example: 'igaming',
  })
  @UserNamedMap()
  template!: unknown;
}
