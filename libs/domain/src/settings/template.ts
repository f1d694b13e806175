import { DomainError } from '../shared/errors';

/** The kinds of value a template field can hold (validated with a JSON-schema validator in the API). */
export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'date-time', 'email', 'object', 'array'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export type FieldSpec = Readonly<{ type: FieldType }>;

export type EntityTypeSpec = Readonly<{
  fields: Readonly<Record<string, FieldSpec>>;
  required: readonly string[];
  /** Personal data: stored only as AES-256-GCM envelopes, erasable by destroying the entity's key. */
  pii_fields: readonly string[];
  /**
   * Whether `data` may hold fields that `fields` does not declare (at most MAX_EXTRA_FIELDS of them,
   * sealed like personal data since they may be). Absent or false: such fields are refused.
   */
  allow_extra_fields?: boolean;
}>;

export type Template = Readonly<{
  name: string;
  entity_types: Readonly<Record<string, EntityTypeSpec>>;
  /** Fields of activity events (POST /events) that are personal data, encrypted like entity PII. */
  event_pii_fields?: readonly string[];
}>;

/** The built-in iGaming template: players (with their personal data marked) and games. */
export const IGAMING_TEMPLATE: Template = {
  name: 'igaming',
  entity_types: {
    player: {
      fields: {
        first_name: { type: 'string' },
        last_name: { type: 'string' },
        email: { type: 'email' },
        phone: { type: 'string' },
        date_of_birth: { type: 'date' },
        country: { type: 'string' },
        currency: { type: 'string' },
        registration_date: { type: 'date-time' },
        status: { type: 'string' },
        vip_level: { type: 'string' },
      },
      required: ['first_name', 'last_name', 'email', 'country', 'currency'],
      pii_fields: ['first_name', 'last_name', 'email', 'phone', 'date_of_birth'],
    },
    game: {
      fields: {
        name: { type: 'string' },
        provider: { type: 'string' },
        category: { type: 'string' },
        rtp: { type: 'number' },
        status: { type: 'string' },
      },
      required: ['name', 'provider'],
      pii_fields: [],
    },
  },
  event_pii_fields: ['ip_address', 'device_id'],
};

/** By name: a Map, so that a requested name such as "constructor" is just an unknown name. */
export const BUILT_IN_TEMPLATES: ReadonlyMap<string, Template> = new Map([['igaming', IGAMING_TEMPLATE]]);

const NAME = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_ENTITY_TYPES = 50;
export const MAX_FIELDS = 200;
/** Fields an entity's data may hold beyond those its template declares, when the template allows them. */
export const MAX_EXTRA_FIELDS = 50;
/** Keys an entity's data may hold at all. */
export const MAX_DATA_KEYS = MAX_FIELDS + MAX_EXTRA_FIELDS;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export type TemplateProblem = { field: string; problems: string[] };

/** The problems of a custom template's structure, per path (empty when it is sound). Pure: no I/O. */
export function templateProblems(template: Template): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const add = (field: string, problem: string): void => {
    const existing = problems.find((p) => p.field === field);
    if (existing) existing.problems.push(problem);
    else problems.push({ field, problems: [problem] });
  };
  if (typeof template.name !== 'string' || !NAME.test(template.name)) {
    add('template.name', 'name must be 1 to 64 lower-case letters, digits or underscores, starting with a letter');
  }
  if (!isRecord(template.entity_types)) add('template.entity_types', 'entity_types must be an object');
  const types = Object.entries(isRecord(template.entity_types) ? template.entity_types : {});
  if (types.length === 0) add('template.entity_types', 'entity_types must define at least one entity type');
  if (types.length > MAX_ENTITY_TYPES) add('template.entity_types', `at most ${MAX_ENTITY_TYPES} entity types`);
  for (const [typeName, spec] of types) {
    const at = `template.entity_types.${typeName}`;
    if (!NAME.test(typeName)) add(at, 'entity type names are lower-case letters, digits or underscores, starting with a letter');
    if (!isRecord(spec)) {
      add(at, 'an entity type is an object: { fields, required, pii_fields }');
      continue;
    }
    const fields = Object.entries(isRecord(spec.fields) ? spec.fields : {});
    if (fields.length === 0) add(`${at}.fields`, 'fields must define at least one field');
    if (fields.length > MAX_FIELDS) add(`${at}.fields`, `at most ${MAX_FIELDS} fields`);
    for (const [fieldName, field] of fields) {
      if (!NAME.test(fieldName)) add(`${at}.fields.${fieldName}`, 'field names are lower-case letters, digits or underscores');
      if (!FIELD_TYPES.includes(field?.type)) add(`${at}.fields.${fieldName}.type`, `type must be one of ${FIELD_TYPES.join(', ')}`);
    }
    for (const list of ['required', 'pii_fields'] as const) {
      const names: unknown = spec[list] ?? [];
      if (!Array.isArray(names)) {
        add(`${at}.${list}`, `${list} must be a list of field names`);
        continue;
      }
      for (const name of names) {
        if (typeof name !== 'string' || !isRecord(spec.fields) || !Object.hasOwn(spec.fields, name)) {
          add(`${at}.${list}`, `${String(name)} is not a field of ${typeName}`);
        }
      }
    }
    if (spec.allow_extra_fields !== undefined && typeof spec.allow_extra_fields !== 'boolean') {
      add(`${at}.allow_extra_fields`, 'allow_extra_fields must be true or false');
    }
  }
  const eventPiiFields: unknown = template.event_pii_fields ?? [];
  if (!Array.isArray(eventPiiFields)) add('template.event_pii_fields', 'event_pii_fields must be a list of field names');
  for (const name of Array.isArray(eventPiiFields) ? eventPiiFields : []) {
    if (typeof name !== 'string' || !NAME.test(name)) add('template.event_pii_fields', `${String(name)} is not a field name`);
  }
  return problems;
}

/** Resolves a request's template: a built-in's name, or a custom template, checked. */
export function resolveTemplate(requested: string | Template): Template {
  if (typeof requested === 'string') {
    const builtIn = BUILT_IN_TEMPLATES.get(requested);
    if (!builtIn) {
      throw new DomainError('VALIDATION_FAILED', 'Unknown template', [
        { field: 'template', problems: [`template must be one of ${[...BUILT_IN_TEMPLATES.keys()].join(', ')}, or a custom template`] },
      ]);
    }
    return builtIn;
  }
  if (typeof requested !== 'object' || requested === null || Array.isArray(requested)) {
    throw new DomainError('VALIDATION_FAILED', 'The template is not valid', [
      { field: 'template', problems: ['template must be the name of a built-in template or a template object'] },
    ]);
  }
  const problems = templateProblems(requested);
  if (problems.length > 0) throw new DomainError('VALIDATION_FAILED', 'The template is not valid', problems);
  return normalized(requested);
}

/** Only the keys a template has, so nothing else a client sent is stored. */
function normalized(template: Template): Template {
  return {
    name: template.name,
    entity_types: Object.fromEntries(
      Object.entries(template.entity_types).map(([name, spec]) => [
        name,
        {
          fields: Object.fromEntries(Object.entries(spec.fields).map(([field, { type }]) => [field, { type }])),
          required: [...(spec.required ?? [])],
          pii_fields: [...(spec.pii_fields ?? [])],
          ...(spec.allow_extra_fields ? { allow_extra_fields: true } : {}),
        },
      ]),
    ),
    event_pii_fields: [...(template.event_pii_fields ?? [])],
  };
}
