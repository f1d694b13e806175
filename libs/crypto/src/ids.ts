import { createHash, randomUUID } from 'node:crypto';
import { secureRandomBytes } from './random';

/** A random opaque id: prefix + hex of `bytes` random bytes (e.g. op_3f9a0c1d2e4b5a69). */
export function randomId(prefix: string, bytes = 8): string {
  return prefix + secureRandomBytes(bytes).toString('hex');
}

export function randomUuid(): string {
  return randomUUID();
}

/**
 * A UUID (version 8, RFC 9562 "custom") derived from a seed: the same seed always gives the same id.
 * Event ids are derived from the command's id, the stream and the event's index, so a retried append
 * carries the same ids and the store can recognise it instead of doubling it.
 */
export function deterministicUuid(seed: string): string {
  const bytes = createHash('sha256').update(seed, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
