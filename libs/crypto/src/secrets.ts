import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** Prefixes of the bearer secrets the product issues (DESIGN.md §3). */
export type SecretPrefix = 'oh_platform_' | 'oh_live_' | 'oh_op_';

const SECRET_HEX_LENGTH = 64;
const CHECKSUM_HEX_LENGTH = 8;

function checksum(prefix: string, body: string): string {
  return crc32(Buffer.from(prefix + body, 'utf8')).toString(16).padStart(CHECKSUM_HEX_LENGTH, '0');
}

/**
 * A new secret: prefix + 64 hex characters drawn from 32 random bytes, the last 8 of which are
 * replaced by a CRC32 of the rest, so a mistyped key is rejected without a lookup (224 random bits remain).
 */
export function generateSecret(prefix: SecretPrefix): string {
  const body = randomBytes(SECRET_HEX_LENGTH / 2).toString('hex').slice(0, SECRET_HEX_LENGTH - CHECKSUM_HEX_LENGTH);
  return prefix + body + checksum(prefix, body);
}

/** True when the value has the prefix, the length, lower-case hex and a matching checksum. */
export function isWellFormedSecret(prefix: SecretPrefix, value: string): boolean {
  if (!value.startsWith(prefix) || value.length !== prefix.length + SECRET_HEX_LENGTH) return false;
  const hex = value.slice(prefix.length);
  if (!/^[0-9a-f]+$/.test(hex)) return false;
  const body = hex.slice(0, SECRET_HEX_LENGTH - CHECKSUM_HEX_LENGTH);
  const expected = Buffer.from(checksum(prefix, body));
  const actual = Buffer.from(hex.slice(SECRET_HEX_LENGTH - CHECKSUM_HEX_LENGTH));
  return timingSafeEqual(expected, actual);
}

/** SHA-256 of a secret, hex: the only form in which a secret is stored. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The last four characters, enough for a person to tell keys apart in a masked list. */
export function lastFour(secret: string): string {
  return secret.slice(-4);
}
