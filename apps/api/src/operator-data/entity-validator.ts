import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { DomainError, EntityTypeSpec, FieldType, Template } from '@onehazel/domain';

const SCHEMA_OF: Readonly<Record<FieldType, object>> = {
  string: { type: 'string' },
  number: { type: 'number' },
  integer: { type: 'integer' },
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
  'date-time': { type: 'string', format: 'date-time' },
  email: { type: 'string', format: 'email' },
  object: { type: 'object' },
  array: { type: 'array' },
};

const CACHE_MAX = 1000;

/**
 * Validates entity data against the operator's template with a JSON-schema validator (Ajv): one
 * schema per entity type, compiled once and cached. Problems are listed per field, as
 * VALIDATION_FAILED's details: [{ field: "data.email", problems: [...] }].
 */
export class EntityValidator {
  private readonly ajv = addFormats(new Ajv({ allErrors: true, strict: true }), ['date', 'date-time', 'email']);
  private readonly compiled = new Map<string, ValidateFunction>();

  validate(template: Template, entityType: string, data: Record<string, unknown>): EntityTypeSpec {
    const spec = Object.hasOwn(template.entity_types, entityType) ? template.entity_types[entityType] : undefined;
    if (!spec) {
      throw new DomainError('VALIDATION_FAILED', 'Data does not match the template', [
        { field: 'entityType', problems: [`entityType must be one of ${Object.keys(template.entity_types).join(', ')}`] },
      ]);
    }
    const validate = this.validatorFor(spec);
    if (!validate(data)) {
      throw new DomainError('VALIDATION_FAILED', 'Data does not match the template', problemsOf(validate.errors ?? []));
    }
    return spec;
  }

  private validatorFor(spec: EntityTypeSpec): ValidateFunction {
    const key = JSON.stringify(spec);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile({
        type: 'object',
        properties: Object.fromEntries(Object.entries(spec.fields).map(([name, field]) => [name, SCHEMA_OF[field.type]])),
        required: [...spec.required],
        additionalProperties: true,
      });
      if (this.compiled.size >= CACHE_MAX) this.compiled.delete(this.compiled.keys().next().value!);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

function problemsOf(errors: readonly ErrorObject[]): { field: string; problems: string[] }[] {
  const byField = new Map<string, string[]>();
  for (const error of errors) {
    const path = error.instancePath.split('/').filter(Boolean);
    if (error.keyword === 'required') path.push(String((error.params as { missingProperty: string }).missingProperty));
    const field = ['data', ...path].join('.');
    const problem = error.keyword === 'required' ? 'is required' : (error.message ?? 'is not valid');
    byField.set(field, [...(byField.get(field) ?? []), problem]);
  }
  return [...byField].map(([field, problems]) => ({ field, problems }));
}
