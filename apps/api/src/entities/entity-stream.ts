import { createHash } from 'node:crypto';
import { entityStream } from '@onehazel/domain';

/** The stream of (operator, externalId): named by a hash, never by the raw identifier. */
export function entityStreamOf(operatorId: string, externalId: string): string {
  return entityStream(createHash('sha256').update(`${operatorId}\n${externalId}`, 'utf8').digest('hex').slice(0, 32));
}
