import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { DomainError, ErrorCode } from '@onehazel/domain';
import type { Logger } from '@onehazel/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOGGER } from '../infrastructure/tokens';
import { EdgeError } from './edge-error';
import type { ErrorBody } from './envelope';
import { unsupportedMediaType } from './json-body';
import type { RouteMethods } from './route-methods';
import { ERROR_STATUS } from './error-status';
import { failureMessageOf } from './failure-message';

type Described = { status: number; code: ErrorCode; message: string; details?: unknown };

/** Maps an HTTP status that did not come from a domain error to the closest code. */
const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Fastify's own errors (body parsing, limits) by their code. */
const FASTIFY_ERRORS: Readonly<Record<string, { code: ErrorCode; message: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_JSON', message: 'The request body is empty but declared as JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'INVALID_JSON', message: 'The request body does not match its length' },
};

export function describeError(error: unknown): Described {
  if (error instanceof DomainError || error instanceof EdgeError) {
    return { status: ERROR_STATUS[error.code], code: error.code, message: error.message, details: error.details };
  }
  const fastifyCode = (error as { code?: unknown })?.code;
  if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || (error instanceof HttpException && error.getStatus() === 415)) {
    return describeError(unsupportedMediaType());
  }
  if (typeof fastifyCode === 'string' && FASTIFY_ERRORS[fastifyCode]) {
    const known = FASTIFY_ERRORS[fastifyCode]!;
    return { status: ERROR_STATUS[known.code], ...known };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = CODE_OF_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED');
    const message = status === 404 ? 'No such route' : status === 405 ? 'Method not allowed' : error.message;
    return { status, code, message };
  }
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, code: CODE_OF_STATUS[status] ?? 'VALIDATION_FAILED', message: 'The request could not be processed' };
  }
  return { status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error' };
}

export function errorBody(described: Described, requestId: string): ErrorBody {
  const error: ErrorBody['error'] = { code: described.code, message: described.message };
  if (described.details !== undefined) error.details = described.details;
  return { success: false, error, requestId };
}

/** The one place that writes the failure envelope. Server errors are logged (without bodies); client errors are not. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    /** A path that exists answers a method it lacks with 405 and `Allow` (seed 002: "Method not allowed"). */
    private readonly routes: RouteMethods | null = null,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    let described = describeError(exception);
    if (described.code === 'INTERNAL_ERROR' && !(exception instanceof DomainError)) {
      described = { ...described, message: failureMessageOf(request) ?? described.message };
    }
    const notFound = exception instanceof HttpException && exception.getStatus() === 404;
    const allowed = notFound ? this.routes?.allowedFor(request.url.split('?')[0]!) : null;
    if (allowed) {
      described = { status: 405, code: 'METHOD_NOT_ALLOWED', message: 'Method not allowed' };
      void reply.header('allow', allowed);
    }
    // Not a failure of this process: a command whose read model is late, a store or a projection /ready waits for.
    if (described.status >= 500 && described.code !== 'CONSISTENCY_TIMEOUT' && described.code !== 'SERVICE_UNAVAILABLE') {
      this.logger.error(
        { requestId: request.id, method: request.method, route: request.routeOptions?.url, err: errorSummary(exception) },
        'request failed',
      );
    }
    (request as CodedRequest)[ERROR_CODE] = described.code;
    void reply.status(described.status).send(errorBody(described, request.id));
  }
}

const ERROR_CODE = Symbol('error code');
type CodedRequest = FastifyRequest & { [ERROR_CODE]?: string };

/** The code of the error the request was answered with, if the filter answered it (for metrics). */
export const errorCodeOf = (request: FastifyRequest): string | undefined => (request as CodedRequest)[ERROR_CODE];

/** Name, message and stack of an error: never the request, whose body may hold secrets. */
export function errorSummary(error: unknown): { type: string; message: string; stack?: string; cause?: unknown } {
  // Duck-typed: errors from native modules can come from another realm (and fail instanceof Error).
  const candidate = error as { name?: unknown; message?: unknown; stack?: unknown; cause?: unknown } | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.message !== 'string') {
    return { type: typeof error, message: 'non-error thrown' };
  }
  const summary: { type: string; message: string; stack?: string; cause?: unknown } = {
    type: typeof candidate.name === 'string' ? candidate.name : 'Error',
    message: candidate.message,
    stack: typeof candidate.stack === 'string' ? candidate.stack : undefined,
  };
  if (candidate.cause !== undefined) summary.cause = errorSummary(candidate.cause);
  return summary;
}
