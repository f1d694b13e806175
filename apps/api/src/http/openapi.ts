import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtension, ApiExtraModels, ApiProperty, ApiResponse, getSchemaPath, OpenAPIObject } from '@nestjs/swagger';
import type {
  HeaderObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ERROR_CODES, ErrorCode } from '@onehazel/domain';
import { ERROR_STATUS } from './error-status';
import { MAX_PAGE_SIZE } from './pagination';

/** What each error code means, for the descriptions of the error responses. */
const MEANING: Readonly<Record<ErrorCode, string>> = {
  BAD_REQUEST: 'the request URI is not validly percent-encoded UTF-8',
  NESTING_TOO_DEEP: 'the JSON body nests objects and arrays too deep (details: { limit, max })',
  MISSING_FIELDS: 'a required field (or query parameter) is missing',
  VALIDATION_FAILED: 'a field, query parameter or header is not valid (details: one entry per field)',
  TEMPLATE_NOT_CONFIGURED: 'no template set: call PUT /operator-data-api/settings first',
  INVALID_JSON: 'the body is not valid JSON (or is empty while declared as JSON)',
  LAST_ACTIVE_KEY: 'the operator’s last active key cannot be revoked: create a new one first',
  KEY_NOT_REVOKED: 'only a revoked key can be deleted: revoke it first',
  UNAUTHORIZED: 'missing or invalid credential (or one of a suspended operator)',
  ENTITY_NOT_FOUND: 'no entity with that externalId',
  OPERATOR_NOT_FOUND: 'no such operator of yours',
  PLATFORM_NOT_FOUND: 'no such platform',
  PLATFORM_KEY_NOT_FOUND: 'no such platform key',
  API_KEY_NOT_FOUND: 'no such key of the operator',
  NOT_FOUND: 'no such route',
  METHOD_NOT_ALLOWED: 'the path does not have this method (Allow lists the ones it has)',
  REQUEST_TIMEOUT: 'the request was not received in time',
  CONFLICT: 'concurrent requests changed the resource: retry the request',
  IDEMPOTENCY_IN_FLIGHT: 'a request with this Idempotency-Key is still being processed: retry shortly',
  KEY_SECRET_UNRECOVERABLE: 'an earlier attempt issued the key or token but its answer was lost: revoke it (details: { keyId } for a key, { id } for an operator token, { keyId, agentId } for a child key)',
  IDEMPOTENCY_KEY_REUSED: 'this Idempotency-Key was already used for a different request',
  PAYLOAD_TOO_LARGE: 'the body is larger than the limit, or holds too many members and elements (details: { limit, max })',
  URI_TOO_LONG: 'the request URI (or a path segment) is too long',
  UNSUPPORTED_MEDIA_TYPE: 'send the body as application/json in UTF-8 (details: { expected })',
  RATE_LIMITED: 'rate limit exceeded: retry after Retry-After seconds',
  HEADERS_TOO_LARGE: 'the request headers are too large',
  INTERNAL_ERROR: 'the request failed on the server; the message names what failed',
  DATA_UNREADABLE: 'stored personal data cannot be decrypted with the keys this server has',
  CONSISTENCY_TIMEOUT: 'the change was recorded, but the read model has not caught up yet (details may name what was created)',
  SERVICE_UNAVAILABLE: 'the service cannot answer now',
  MAX_OPERATOR_TOKENS: 'the operator already holds the most active operator tokens allowed (details: { max })',
  MAX_CHILD_KEYS: 'the operator token already minted the most active child keys allowed (details: { max })',
  UNKNOWN_OPERATOR_TOKEN: 'no such operator token of yours',
  OPERATOR_TOKEN_REVOKED: 'the operator token was revoked',
  MISSING_OPERATOR_TOKEN: 'no `Authorization: Bearer oh_op_...` header',
  INVALID_OPERATOR_TOKEN_FORMAT: 'the bearer is not an operator token (`oh_op_` and 64 hex characters with a valid checksum)',
  OPERATOR_TOKEN_NOT_FOUND: 'no operator token has this secret',
  OPERATOR_SUSPENDED: "the token's operator is suspended: it works again when the operator is reactivated",
  TIER_FORBIDDEN: 'a child key (tier operator_child) may use the data API only: it cannot manage keys, tokens or settings',
  QUOTA_EXCEEDED: "the operator token's monthly pool, or this child key's share of it, is used up (details: { limit, quota, used, resets_at, retry_after_seconds }); retry after Retry-After seconds",
};

/** The codes whose `details` list field problems; every other code's `details`, when there are any, is an object. */
const FIELD_PROBLEM_CODES: ReadonlySet<ErrorCode> = new Set(['VALIDATION_FAILED', 'MISSING_FIELDS']);

const FIELD_PROBLEM: SchemaObject = {
  type: 'object',
  description: 'What is wrong with one field (a dotted path into the body, a query parameter or a header)',
  required: ['field', 'problems'],
  properties: {
    field: { type: 'string', example: 'contactEmail' },
    problems: { type: 'array', items: { type: 'string' }, example: ['contactEmail must be an email address'] },
  },
};

const fieldDetails: SchemaObject = { type: 'array', items: { $ref: '#/components/schemas/FieldProblem' } };
const objectDetails: SchemaObject = { type: 'object', additionalProperties: true, description: 'What the code’s description names' };

/** The error object for these codes, with the details they carry. */
function errorObject(codes: readonly ErrorCode[], details: SchemaObject, description: string): SchemaObject {
  return {
    type: 'object',
    description,
    required: ['code', 'message'],
    properties: {
      code: { type: 'string', enum: [...codes] },
      message: { type: 'string', example: 'The request is not valid' },
      details,
    },
  };
}

/**
 * The failure envelope (DESIGN.md §7). `details` is as each code has it: a list of field problems for
 * VALIDATION_FAILED and MISSING_FIELDS, an object for the others (or absent). Each error response lists
 * the codes its status can carry on that operation (description and `x-error-codes`).
 */
const ERROR_ENVELOPE: SchemaObject = {
  type: 'object',
  required: ['success', 'error', 'requestId'],
  properties: {
    success: { type: 'boolean', enum: [false] },
    error: {
      oneOf: [
        errorObject([...FIELD_PROBLEM_CODES], fieldDetails, 'A request that is not valid: details name each field and its problems'),
        errorObject(
          ERROR_CODES.filter((code) => !FIELD_PROBLEM_CODES.has(code)),
          objectDetails,
          'Any other failure: details, when there are any, are an object',
        ),
      ],
    },
    requestId: { type: 'string', description: 'The X-Request-Id of the request', example: '8f14e45f-ceea-467f-a8c2-3d5bde5e2e7a' },
  },
};

const HEADERS: Readonly<Record<string, HeaderObject>> = {
  'X-Request-Id': {
    description: 'The request’s id: the X-Request-Id sent (1 to 128 of A-Z a-z 0-9 _ . : -), else a new UUID',
    required: true,
    schema: { type: 'string' },
  },
  'RateLimit-Limit': { description: 'Requests allowed per window for this caller', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Requests left in the window', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the window resets', schema: { type: 'integer' } },
  RateLimit: { description: 'IETF form: "default";r=<remaining>;t=<seconds to reset>', schema: { type: 'string' } },
  'RateLimit-Policy': { description: 'IETF form: "default";q=<quota>;w=<window seconds>', schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds to wait before retrying', required: true, schema: { type: 'integer' } },
  Allow: { description: 'The methods the path has', required: true, schema: { type: 'string' }, example: 'GET, HEAD, POST' },
  'Idempotent-Replayed': {
    description: '"true" when this is the stored answer to an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
};
const header = (name: keyof typeof HEADERS): ReferenceObject => ({ $ref: `#/components/headers/${name}` });
const RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit', 'RateLimit-Policy'] as const;

const IDEMPOTENCY_KEY: ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes the POST safe to retry (24 h, per caller): the same key and body replay the first answer (Idempotent-Replayed: true); ' +
    'the same key with another body answers 422; while the first is in flight, 409. A 503 CONSISTENCY_TIMEOUT is replayed too ' +
    '(its change was recorded). 1 to 255 characters, bare or as a quoted string.',
  schema: { type: 'string', minLength: 1 },
  example: '5f0c2a7e-request-0001',
};

class Pagination {
  @ApiProperty({ minimum: 1, maximum: MAX_PAGE_SIZE, example: 20 }) limit!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Pass as ?cursor= for the next page; null on the last' })
  nextCursor!: string | null;
}

/** Documents a success answer as the envelope `{ success: true, data: <model> }` (or a page of models). */
export function ApiEnvelope(
  model: Type<unknown>,
  options: { status?: number; description?: string; page?: boolean; asOf?: Type<unknown> } = {},
) {
  const data = options.page ? { type: 'array', items: { $ref: getSchemaPath(model) } } : { $ref: getSchemaPath(model) };
  const properties: Record<string, object> = { success: { type: 'boolean', enum: [true] }, data };
  if (options.page) properties.pagination = { $ref: getSchemaPath(Pagination) };
  const schema = { type: 'object', required: Object.keys(properties), properties };
  // An audit history's optional `asOf`: present only when the query asked for it.
  if (options.asOf) properties.asOf = { $ref: getSchemaPath(options.asOf) };
  return applyDecorators(
    ApiExtraModels(model, Pagination, ...(options.asOf ? [options.asOf] : [])),
    ApiResponse({ status: options.status ?? 200, description: options.description ?? 'OK', schema }),
  );
}

/** Documents seed 002's answer without data, `{ success: true, message }`, with the messages it can carry. */
export function ApiMessage(messages: string[], options: { status?: number; description?: string } = {}) {
  return ApiResponse({
    status: options.status ?? 200,
    description: options.description ?? 'Done',
    schema: {
      type: 'object',
      required: ['success', 'message'],
      properties: { success: { type: 'boolean', enum: [true] }, message: { type: 'string', enum: messages, example: messages[0] } },
    },
  });
}

/** Where ApiErrors leaves a route's codes for `completeDocument` (which removes it). */
const ROUTE_ERRORS = 'x-route-errors';

/**
 * The error codes the route itself can answer (its validation, its lookups, its command). The answers
 * every route shares (see `frameworkErrors`) are added to them when the document is completed
 * (`completeDocument`), which writes one response per status, its codes grouped through ERROR_STATUS.
 */
export function ApiErrors(...codes: ErrorCode[]) {
  return ApiExtension(ROUTE_ERRORS, codes);
}

/** Whether the operation takes a credential (its guard authenticates, then rate-limits the caller). */
const isGuarded = (operation: OperationObject): boolean => (operation.security ?? []).some((requirement) => Object.keys(requirement).length > 0);

/** Whether the operation takes an operator token (seed 003's mint-child), which answers each refusal with its own code. */
const takesOperatorToken = (operation: OperationObject): boolean => (operation.security ?? []).some((requirement) => 'operatorToken' in requirement);

const OPERATOR_TOKEN_REFUSALS: ErrorCode[] = [
  'MISSING_OPERATOR_TOKEN',
  'INVALID_OPERATOR_TOKEN_FORMAT',
  'OPERATOR_TOKEN_NOT_FOUND',
  'OPERATOR_TOKEN_REVOKED',
  'OPERATOR_SUSPENDED',
];

/** Methods whose body Fastify parses (DELETE too, when a body is sent): the JSON parser's refusals. */
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/**
 * What the framework can answer on an operation, whatever its handler does, by what the operation is:
 * every route (405 for a method its path lacks, 414, 500); a method with a body (the JSON parser: 400,
 * 413, 415); a POST (Idempotency-Key: 400 for a malformed one, 409, 422); a credential (401, 429); a
 * path parameter (400 for a path that is not percent-encoded UTF-8).
 */
export function frameworkErrors(method: string, operation: OperationObject): ErrorCode[] {
  const codes: ErrorCode[] = ['METHOD_NOT_ALLOWED', 'URI_TOO_LONG', 'INTERNAL_ERROR'];
  if (BODY_METHODS.has(method)) codes.push('INVALID_JSON', 'NESTING_TOO_DEEP', 'VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE');
  if (method === 'post') codes.push('VALIDATION_FAILED', 'IDEMPOTENCY_IN_FLIGHT', 'IDEMPOTENCY_KEY_REUSED');
  if (isGuarded(operation)) codes.push(...(takesOperatorToken(operation) ? OPERATOR_TOKEN_REFUSALS : ['UNAUTHORIZED' as const]), 'RATE_LIMITED');
  if ((operation.parameters ?? []).some((parameter) => 'in' in parameter && parameter.in === 'path')) codes.push('BAD_REQUEST');
  return codes;
}

/** The failure envelope for these codes, all of one status, which the response lists (description, `x-error-codes`). */
function errorResponse(status: number, codes: ErrorCode[]): ResponseObject {
  const headers: Record<string, ReferenceObject> = { 'X-Request-Id': header('X-Request-Id') };
  if (status === 405) headers.Allow = header('Allow');
  if (status === 429) {
    headers['Retry-After'] = header('Retry-After');
    for (const name of RATE_LIMIT_HEADERS) headers[name] = header(name);
  }
  const response: ResponseObject & { 'x-error-codes': ErrorCode[] } = {
    description: codes.map((code) => `${code}: ${MEANING[code]}`).join('. '),
    headers,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
    'x-error-codes': codes,
  };
  return response;
}

const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Completes the document @nestjs/swagger builds from the decorators, so that no operation can forget
 * what every route shares: the error responses of each operation (its own codes, from ApiErrors, and
 * the framework's, from `frameworkErrors`), one per status; the headers every answer carries; and the
 * Idempotency-Key header on every POST.
 */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  components.schemas = { ...components.schemas, FieldProblem: FIELD_PROBLEM, ErrorEnvelope: ERROR_ENVELOPE };
  components.headers = { ...components.headers, ...HEADERS };
  for (const item of Object.values(document.paths)) {
    for (const method of OPERATION_METHODS) {
      const operation = item[method] as (OperationObject & { [ROUTE_ERRORS]?: ErrorCode[] }) | undefined;
      if (!operation) continue;
      const codes = new Set<ErrorCode>([...(operation[ROUTE_ERRORS] ?? []), ...frameworkErrors(method, operation)]);
      delete operation[ROUTE_ERRORS];
      const byStatus = new Map<number, ErrorCode[]>();
      for (const code of [...codes].sort()) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (byStatus.has(Number(status))) {
          throw new Error(`${method.toUpperCase()} ${operation.operationId}: ${status} is documented both as an answer and as an error`);
        }
        const answer = response as ResponseObject;
        const headers: Record<string, ReferenceObject> = { 'X-Request-Id': header('X-Request-Id') };
        if (isGuarded(operation)) for (const name of RATE_LIMIT_HEADERS) headers[name] = header(name);
        if (method === 'post') headers['Idempotent-Replayed'] = header('Idempotent-Replayed');
        answer.headers = { ...headers, ...answer.headers };
      }
      for (const [status, grouped] of [...byStatus].sort(([a], [b]) => a - b)) {
        operation.responses[String(status)] = errorResponse(status, grouped);
      }
      if (method === 'post') operation.parameters = [...(operation.parameters ?? []), IDEMPOTENCY_KEY];
    }
  }
  return document;
}
