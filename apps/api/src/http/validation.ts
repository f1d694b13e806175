import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from '@onehazel/domain';

export type FieldProblem = { field: string; problems: string[] };

function flatten(errors: readonly ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Every body is a JSON object: `null`, a number, a string or an array is refused here, where Nest's pipe
 * would have read `null` as `{}`. No body at all (undefined) stays an empty one, for the optional bodies.
 */
class ObjectBodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw new DomainError('VALIDATION_FAILED', 'The request body must be a JSON object', [
        { field: 'body', problems: ['body must be a JSON object'] },
      ]);
    }
    if ((metadata.type === 'body' || metadata.type === 'query') && value !== null && typeof value === 'object') refuseInheritedNames(value);
    return super.transform(value, metadata);
  }
}

/** Names every object inherits (`toString`, `constructor`, `__proto__`...): no fixed body or query declares one. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * class-transformer leaves a field named after an inherited member off the DTO, so the whitelist never
 * sees it: it would be dropped in silence. Refused here as the unknown field it is.
 */
function refuseInheritedNames(value: object): void {
  const inherited = Object.keys(value).filter((name) => INHERITED.has(name));
  if (inherited.length === 0) return;
  throw new DomainError(
    'VALIDATION_FAILED',
    'The request is not valid',
    inherited.map((field) => ({ field, problems: [`property ${field} should not exist`] })),
  );
}

/** Decimal digits only: `Number()` would also read `1e2`, `0x10`, ` 7` and `` as numbers. */
export function decimalInteger({ value }: { value: unknown }): unknown {
  return typeof value === 'string' && /^[0-9]{1,15}$/.test(value) ? Number(value) : value;
}

/** class-validator for fixed bodies and queries: unknown fields rejected, each field's problems in details. */
export function validationPipe(): ValidationPipe {
  return new ObjectBodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new DomainError('VALIDATION_FAILED', 'The request is not valid', flatten(errors)),
  });
}

/** class-transformer: a string field trimmed (other values as sent, for the validators to refuse). */
export const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** class-transformer: trimmed and lower-cased (e-mail addresses). */
export const lowerTrim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/** class-validator's ValidateIf for partial updates: absent fields are left alone; a field sent, even as null, must be valid. */
export const present = (_: object, value: unknown): boolean => value !== undefined;
