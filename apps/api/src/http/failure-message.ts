import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

export type FailureMessageOf = string | ((request: FastifyRequest) => string);

/**
 * The route's message for an unexpected failure (seed 002: "Failed to create key", ...): the answer is
 * 500 INTERNAL_ERROR with this message; the underlying error is logged, never sent. Kept in the Fastify
 * route's config and read by the error filter only when something fails: it costs a request nothing.
 */
export const FailureMessage = (message: FailureMessageOf) => RouteConfig({ failureMessage: message });

/** The failure message of the route that served the request, if it has one. */
export function failureMessageOf(request: FastifyRequest): string | undefined {
  const message = (request.routeOptions?.config as { failureMessage?: FailureMessageOf } | undefined)?.failureMessage;
  return typeof message === 'function' ? message(request) : message;
}
