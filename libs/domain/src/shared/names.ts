/**
 * Names and identifiers a user chooses. Any name that passes these rules works like any other,
 * including the names JavaScript objects already have (`constructor`, `toString`, `prototype`...):
 * code that keys on them uses Maps, null-prototype objects or `Object.hasOwn`, never a plain lookup.
 * `__proto__` is the one name refused everywhere: assigning it to an object changes its prototype.
 */
export const FORBIDDEN_NAME = '__proto__';

/** The value of an own property only: never one inherited from Object.prototype. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, name: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, name) ? record[name] : undefined;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /\p{Cs}/u;

export const EXTERNAL_ID_MAX = 255;

/** What the OpenAPI document and the README say about externalIds. */
export const EXTERNAL_ID_RULE =
  `1 to ${EXTERNAL_ID_MAX} UTF-16 code units (a character outside the Basic Multilingual Plane counts as two); ` +
  'no control characters (U+0000 to U+001F, U+007F to U+009F), no unpaired surrogates, no "/", and not "." or ".."';

/** Why an externalId is refused, or null when it is sound. */
export function externalIdProblem(externalId: unknown): string | null {
  if (typeof externalId !== 'string') return 'externalId must be a string';
  if (externalId.length < 1 || externalId.length > EXTERNAL_ID_MAX) return `externalId must be 1 to ${EXTERNAL_ID_MAX} characters long`;
  if (CONTROL.test(externalId)) return 'externalId must not contain control characters';
  if (LONE_SURROGATE.test(externalId)) return 'externalId must not contain unpaired surrogates (ill-formed UTF-16 or UTF-8)';
  if (externalId.includes('/')) return 'externalId must not contain "/"';
  if (externalId === '.' || externalId === '..') return 'externalId must not be "." or ".."';
  return null;
}

export const DATA_FIELD_NAME_MAX = 128;

/** What the OpenAPI document and the README say about the names of fields no template declares. */
export const DATA_FIELD_NAME_RULE =
  `1 to ${DATA_FIELD_NAME_MAX} characters, no control characters, no unpaired surrogates, and not "${FORBIDDEN_NAME}"`;

/** Why a key of `data` (an entity's extra field, an activity event's field) is refused, or null. */
export function dataFieldNameProblem(name: string): string | null {
  if (name.length < 1 || name.length > DATA_FIELD_NAME_MAX) return `field names must be 1 to ${DATA_FIELD_NAME_MAX} characters long`;
  if (CONTROL.test(name)) return 'field names must not contain control characters';
  if (LONE_SURROGATE.test(name)) return 'field names must not contain unpaired surrogates';
  if (name === FORBIDDEN_NAME) return `"${FORBIDDEN_NAME}" is not allowed as a field name`;
  return null;
}

/** The dotted path of a field for error details: `data.<name>`, the empty name shown as `data.""`. */
export function fieldPath(parent: string, name: string): string {
  return `${parent}.${name === '' ? '""' : name}`;
}

/** Activity event types: lower-case, so that each is one name however it is typed. */
export const EVENT_TYPE = /^[a-z][a-z0-9_.-]{0,63}$/;
export const EVENT_TYPE_RULE = '1 to 64 lower-case letters, digits, "_", "." or "-", starting with a letter';

export type NameProblem = { field: string; problems: string[] };

/** The problems of the keys of a `data` object, per field (`data.<name>`). */
export function dataKeyProblems(data: Readonly<Record<string, unknown>>): NameProblem[] {
  return Object.keys(data).flatMap((name) => {
    const problem = dataFieldNameProblem(name);
    return problem ? [{ field: fieldPath('data', name), problems: [problem] }] : [];
  });
}
