import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { DomainError, externalIdProblem } from '@onehazel/domain';
import { Transform } from 'class-transformer';
import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * The value exactly as the JSON body held it. class-transformer rebuilds nested objects and skips
 * keys that Object.prototype already has (`toString`, `valueOf`...): user-named maps (entity data,
 * templates) are taken as parsed instead, and checked by name where they are used.
 */
export function AsParsed(): PropertyDecorator {
  return Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => (Object.hasOwn(obj, key) ? obj[key] : undefined));
}

/** class-validator: an externalId by the domain's rule (EXTERNAL_ID_RULE), the problem as the message. */
export function IsExternalId(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isExternalId',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => externalIdProblem(value) === null,
        defaultMessage: (args) => externalIdProblem(args?.value) ?? 'externalId is not valid',
      },
    });
}

/** The `:externalId` of a path, by the same rule as in bodies: VALIDATION_FAILED naming externalId. */
@Injectable()
export class ExternalIdPipe implements PipeTransform<string, string> {
  transform(value: string, _metadata: ArgumentMetadata): string {
    const problem = externalIdProblem(value);
    if (problem) throw new DomainError('VALIDATION_FAILED', 'The request is not valid', [{ field: 'externalId', problems: [problem] }]);
    return value;
  }
}
