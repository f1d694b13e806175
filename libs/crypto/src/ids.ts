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

/**
 * The id of something a command creates: derived from the command's id when it has one (every attempt
 * of one idempotent request names the same operator, key or entity, so a retry finds what an earlier
 * attempt created), random otherwise. `purpose` tells apart two ids one command creates.
 */
export function commandScopedId(commandId: string | undefined, prefix: string, purpose = prefix): string {
  if (!commandId) return randomId(prefix);
  return prefix + createHash('sha256').update(`${commandId}|${purpose}`, 'utf8').digest('hex').slice(0, 16);
}

/** As commandScopedId, for a UUID. */
export function commandScopedUuid(commandId: string | undefined, purpose: string): string {
  return commandId ? deterministicUuid(`${commandId}|${purpose}`) : randomUUID();
}
