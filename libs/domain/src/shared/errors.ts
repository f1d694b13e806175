/**
 * The closed list of error codes the product answers with. The seeds' codes come first;
 * the HTTP status of each is mapped once, in apps/api (error-status.ts).
 */
export const ERROR_CODES = [
  'MISSING_FIELDS',
  'VALIDATION_FAILED',
  'TEMPLATE_NOT_CONFIGURED',
  'UNAUTHORIZED',
  'ENTITY_NOT_FOUND',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'OPERATOR_NOT_FOUND',
  'PLATFORM_NOT_FOUND',
  'PLATFORM_KEY_NOT_FOUND',
  'API_KEY_NOT_FOUND',
  'LAST_ACTIVE_KEY',
  'KEY_NOT_REVOKED',
  'DATA_UNREADABLE',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_IN_FLIGHT',
  'KEY_SECRET_UNRECOVERABLE',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'INVALID_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'CONSISTENCY_TIMEOUT',
  'SERVICE_UNAVAILABLE',
  // Operator tokens (seed 003).
  'MAX_OPERATOR_TOKENS',
  'MAX_CHILD_KEYS',
  'UNKNOWN_OPERATOR_TOKEN',
  'OPERATOR_TOKEN_REVOKED',
  'MISSING_OPERATOR_TOKEN',
  'INVALID_OPERATOR_TOKEN_FORMAT',
  'OPERATOR_TOKEN_NOT_FOUND',
  'OPERATOR_SUSPENDED',
  'TIER_FORBIDDEN',
  'QUOTA_EXCEEDED',
  // Answered by the HTTP edge itself (malformed HTTP, before any rule of the domain).
  'BAD_REQUEST',
  'REQUEST_TIMEOUT',
  'NESTING_TOO_DEEP',
  'URI_TOO_LONG',
  'HEADERS_TOO_LARGE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A rule of the domain was broken. Carries a stable code; never secrets or personal data. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function assertNever(value: never, what: string): never {
  throw new Error(`unknown ${what}: ${JSON.stringify(value)}`);
}
