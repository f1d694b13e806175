import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `size` bytes from the CSPRNG, in a buffer of their own. Filled from a pool refilled 4 KiB at a time:
 * each `randomBytes` call costs about 2 µs of OpenSSL's per-call overhead, and an entity upsert takes
 * about ten (its id, its data key, the key's id and wrapping nonce, a nonce per personal field).
 * Each pooled byte is handed out once and zeroed in the pool as it is taken, so a data key drawn
 * from it lives only in its own buffer.
 */
export function secureRandomBytes(size: number): Buffer {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`secureRandomBytes: size must be a whole number, got ${size}`);
  const out = Buffer.alloc(size);
  if (size > POOL_BYTES / 4) return randomFillSync(out);
  if (offset + size > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  pool.copy(out, 0, offset, offset + size);
  pool.fill(0, offset, offset + size);
  offset += size;
  return out;
}
