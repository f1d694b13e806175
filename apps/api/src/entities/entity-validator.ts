import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import {
  DATA_FIELD_NAME_RULE,
  dataFieldNameProblem,
  DomainError,
  EntityTypeSpec,
  FieldType,
  fieldPath,
  MAX_DATA_KEYS,
  MAX_EXTRA_FIELDS,
  NameProblem,
  ownValue,
  Template,
} from '@onehazel/domain';

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
 *
 * Field names are checked first: data holds at most MAX_DATA_KEYS keys; a field the template does not
 * declare is refused unless the entity type has `allow_extra_fields` (then at most MAX_EXTRA_FIELDS of
 * them, each named by DATA_FIELD_NAME_RULE). Names are looked up as own properties only, so that
 * `constructor` or `toString` are names like any other.
 */
export class EntityValidator {
  // ownProperties: "required" and "properties" see own keys only, never Object.prototype's.
  private readonly ajv = addFormats(new Ajv({ allErrors: true, strict: true, ownProperties: true }), ['date', 'date-time', 'email']);
  private readonly compiled = new Map<string, ValidateFunction>();

  validate(template: Template, entityType: string, data: Record<string, unknown>): EntityTypeSpec {
    const spec = ownValue(template.entity_types, entityType);
    if (!spec) {
      throw new DomainError('VALIDATION_FAILED', 'Data does not match the template', [
        { field: 'entityType', problems: [`entityType must be one of ${Object.keys(template.entity_types).join(', ')}`] },
      ]);
    }
    const nameProblems = fieldNameProblems(spec, data);
    if (nameProblems.length > 0) throw new DomainError('VALIDATION_FAILED', 'Data does not match the template', nameProblems);
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

function fieldNameProblems(spec: EntityTypeSpec, data: Record<string, unknown>): NameProblem[] {
  const names = Object.keys(data);
  if (names.length > MAX_DATA_KEYS) {
    return [{ field: 'data', problems: [`data may hold at most ${MAX_DATA_KEYS} fields, not ${names.length}`] }];
  }
  const extra = names.filter((name) => !Object.hasOwn(spec.fields, name));
  if (extra.length > 0 && !spec.allow_extra_fields) {
    return extra.map((name) => ({
      field: fieldPath('data', name),
      problems: ['is not a field of this entity type (the template may allow extra fields with allow_extra_fields: true)'],
    }));
  }
  if (extra.length > MAX_EXTRA_FIELDS) {
    return [{ field: 'data', problems: [`at most ${MAX_EXTRA_FIELDS} fields the template does not declare, not ${extra.length}`] }];
  }
  return extra.flatMap((name) => {
    const problem = dataFieldNameProblem(name);
    return problem ? [{ field: fieldPath('data', name), problems: [`${problem} (extra field names: ${DATA_FIELD_NAME_RULE})`] }] : [];
  });
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
