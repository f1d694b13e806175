import {
  applyDecorators,
  ArgumentMetadata,
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  PipeTransform,
} from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { DomainError, EXTERNAL_ID_RULE, externalIdProblem } from '@onehazel/domain';
import { Exclude } from 'class-transformer';
import { Allow, registerDecorator, ValidationOptions } from 'class-validator';
import type { FastifyRequest } from 'fastify';

/**
 * A body field whose keys the user names (entity data, a template): kept away from class-transformer,
 * which rebuilds nested objects, skips keys Object.prototype already has (`toString`, `valueOf`...)
 * and fails on some (a `constructor` key holding an object). The DTO documents it; the controller takes
 * it as parsed with ParsedBodyField, and the keys are checked by name where they are used.
 */
export function UserNamedMap(): PropertyDecorator {
  // Allow: the DTO's own (undefined) property is not an unknown field for the whitelist.
  return applyDecorators(Exclude({ toClassOnly: true }), Allow());
}

const parsedBodies = new WeakMap<object, unknown>();

/**
 * Keeps a copy of the JSON body as parsed, for ParsedBodyField. Interceptors run before pipes, and the
 * validation pipe deletes every `constructor` and `prototype` key of the body, at any depth, in place:
 * names a user may choose for a field.
 */
@Injectable()
export class KeepParsedBody implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    parsedBodies.set(request, structuredClone(request.body));
    return next.handle();
  }
}

/** A field of the JSON body exactly as parsed (an own property only), on routes that KeepParsedBody. */
export const ParsedBodyField = createParamDecorator((field: string, ctx: ExecutionContext): unknown => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  if (!parsedBodies.has(request)) throw new Error('ParsedBodyField needs the KeepParsedBody interceptor on its route');
  const body = parsedBodies.get(request);
  if (typeof body !== 'object' || body === null || !Object.hasOwn(body, field)) return undefined;
  return (body as Record<string, unknown>)[field];
});

/** A user-named map must be a JSON object: VALIDATION_FAILED naming the field otherwise. */
export function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new DomainError('VALIDATION_FAILED', 'The request is not valid', [{ field, problems: [`${field} must be an object`] }]);
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

/** The OpenAPI description of an externalId, in bodies and paths. */
export const EXTERNAL_ID_DESCRIPTION = `Your unique identifier for this entity: ${EXTERNAL_ID_RULE}`;

/** Documents the `:externalId` path parameter. */
export const ApiExternalIdParam = () => ApiParam({ name: 'externalId', description: EXTERNAL_ID_DESCRIPTION });
