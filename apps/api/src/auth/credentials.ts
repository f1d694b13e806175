import { DomainError } from '@onehazel/domain';
import type { FastifyRequest } from 'fastify';

/** Every credential failure answers alike: no hint of which part was wrong, or whether anything exists. */
export const unauthorized = (): DomainError => new DomainError('UNAUTHORIZED', 'Missing or invalid API key');

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  return match ? match[1]! : null;
}
