import type { ErrorCode } from '@onehazel/domain';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_STATUS } from './error-status';


/** An answer of the HTTP edge itself, written in the envelope by the error filter like any domain error. */
export class EdgeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'EdgeError';
  }
}

/** URLs longer than this (path and query, as sent) answer 414 URI_TOO_LONG. */
export const MAX_URL_LENGTH = 8192;

export function uriTooLong(): EdgeError {
  return new EdgeError('URI_TOO_LONG', `The request URI is longer than ${MAX_URL_LENGTH} characters`);
}

type EdgeAnswer = { code: ErrorCode; message: string };

/**
 * What Node's HTTP parser refused, as an answer. A header block over the limit whose first line never
 * ended within MAX_URL_LENGTH is an over-long request line: 414, not 431.
 */
function answerToClientError(error: NodeJS.ErrnoException & { rawPacket?: Buffer }): EdgeAnswer | null {
  switch (error.code) {
    case 'ECONNRESET':
      return null;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { code: 'REQUEST_TIMEOUT', message: 'The request was not received in time' };
    case 'HPE_HEADER_OVERFLOW': {
      const packet = error.rawPacket?.toString('latin1') ?? '';
      const requestLineEnd = packet.indexOf('\r\n');
      const startsWithRequestLine = /^[A-Z]+ /.test(packet);
      return startsWithRequestLine && (requestLineEnd === -1 || requestLineEnd > MAX_URL_LENGTH)
        ? { code: 'URI_TOO_LONG', message: 'The request URI is too long' }
        : { code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large' };
    }
    default:
      return { code: 'BAD_REQUEST', message: 'The request is not valid HTTP/1.1' };
  }
}

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refused before the app saw them (headers
 * too large, bytes not allowed in a header, not HTTP at all). Answered in the envelope with a new request
 * id, then the connection is closed: its parser cannot read another request.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  const answer = answerToClientError(error);
  if (!answer || socket.destroyed) return;
  if (socket.writable) {
    const status = ERROR_STATUS[answer.code];
    const requestId = randomUUID();
    const body = JSON.stringify({ success: false, error: { code: answer.code, message: answer.message }, requestId });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Fastify's `frameworkErrors`: the router's refusals (an undecodable URL such as `/%ff`, a parameter too long). */
export function answerFrameworkError(error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  const answer: EdgeAnswer =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? { code: 'URI_TOO_LONG', message: 'A path segment of the request URI is too long' }
      : { code: 'BAD_REQUEST', message: 'The request URI is not validly percent-encoded UTF-8' };
  void reply
    .status(ERROR_STATUS[answer.code])
    .header('x-request-id', request.id)
    .send({ success: false, error: { code: answer.code, message: answer.message }, requestId: request.id });
}
