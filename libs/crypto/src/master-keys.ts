import { createHash, hkdf } from 'node:crypto';
import { promisify } from 'node:util';
import { CryptoError } from './envelope';

/**
 * The top of the key hierarchy (DESIGN.md §6):
 *
 *   MASTER_KEY (32 bytes, from configuration; earlier ones kept as "previous" during a rotation)
 *     -> operator KEK = HKDF-SHA256(ikm = master, salt = "onehazel/kek/v1", info = operatorId, 32 bytes)
 *       -> entity data key (random 32 bytes, stored wrapped under the KEK in the key store)
 *         -> field envelopes (envelope.ts)
 *
 * A master key is known by its id, the first 16 hex of SHA-256("onehazel/master-key-id/v1" || 0x00 || key),
 * which the key store records beside each wrapped key; the id reveals nothing usable about the key.
 */

const MASTER_KEY_BYTES = 32;
const KEK_BYTES = 32;
const MASTER_KEY_ID_LABEL = Buffer.from('onehazel/master-key-id/v1\0', 'utf8');
const KEK_SALT = Buffer.from('onehazel/kek/v1', 'utf8');
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

const hkdfAsync = promisify(hkdf);

export type MasterKey = Readonly<{ id: string; key: Buffer }>;

function checkMasterKey(key: Buffer, what: string): void {
  if (!Buffer.isBuffer(key) || key.length !== MASTER_KEY_BYTES) {
    throw new CryptoError('INVALID_MASTER_KEY', `${what} must be exactly ${MASTER_KEY_BYTES} bytes`);
  }
}

/** The public id of a master key: 16 hex characters of a labelled SHA-256; never the key itself. */
export function masterKeyId(key: Buffer): string {
  checkMasterKey(key, 'master key');
  return createHash('sha256').update(MASTER_KEY_ID_LABEL).update(key).digest('hex').slice(0, 16);
}

/**
 * Decodes a master key given as base64 (standard or url-safe; surrounding whitespace ignored).
 * Throws CryptoError INVALID_MASTER_KEY, without the value in the message, unless it is exactly 32 bytes.
 */
export function parseMasterKey(base64: string, name = 'MASTER_KEY'): Buffer {
  const text = typeof base64 === 'string' ? base64.trim() : '';
  if (!BASE64.test(text)) {
    throw new CryptoError('INVALID_MASTER_KEY', `${name} must be base64 of exactly ${MASTER_KEY_BYTES} bytes`);
  }
  const key = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
  if (key.length !== MASTER_KEY_BYTES) {
    throw new CryptoError(
      'INVALID_MASTER_KEY',
      `${name} must be base64 of exactly ${MASTER_KEY_BYTES} bytes (it decodes to ${key.length})`,
    );
  }
  return key;
}

/**
 * The operator's key-encryption key: HKDF-SHA256 of the master key, salt "onehazel/kek/v1",
 * info = operatorId (UTF-8), 32 bytes. Asynchronous (libuv thread pool); callers cache the result.
 */
export async function deriveOperatorKek(master: Buffer, operatorId: string): Promise<Buffer> {
  checkMasterKey(master, 'master key');
  if (typeof operatorId !== 'string' || operatorId.length === 0) {
    throw new CryptoError('INVALID_CONTEXT', 'operator KEK needs a non-empty operatorId');
  }
  const kek = await hkdfAsync('sha256', master, KEK_SALT, Buffer.from(operatorId, 'utf8'), KEK_BYTES);
  return Buffer.from(kek);
}

/**
 * The master keys this process knows: the current one (wraps every new data key) and previous ones
 * (still unwrap keys wrapped before a rotation, until `EntityKeyring.rewrapAll` has moved them). Immutable.
 */
export class MasterKeys {
  readonly current: MasterKey;
  /** Ids of the previous master keys, in the order given. */
  readonly previousIds: readonly string[];
  readonly #byId: ReadonlyMap<string, MasterKey>;

  private constructor(current: MasterKey, byId: ReadonlyMap<string, MasterKey>) {
    this.current = current;
    this.#byId = byId;
    this.previousIds = Object.freeze([...byId.keys()].filter((id) => id !== current.id));
    Object.freeze(this);
  }

  /** From raw 32-byte keys; the buffers are copied. A previous key equal to the current one is ignored. */
  static from(current: Buffer, previous: readonly Buffer[] = []): MasterKeys {
    checkMasterKey(current, 'current master key');
    previous.forEach((key, index) => checkMasterKey(key, `previous master key #${index + 1}`));
    const currentKey: MasterKey = Object.freeze({ id: masterKeyId(current), key: Buffer.from(current) });
    const byId = new Map<string, MasterKey>([[currentKey.id, currentKey]]);
    for (const key of previous) {
      const id = masterKeyId(key);
      if (!byId.has(id)) byId.set(id, Object.freeze({ id, key: Buffer.from(key) }));
    }
    return new MasterKeys(currentKey, byId);
  }

  /** From base64 configuration values (e.g. MASTER_KEY and MASTER_KEYS_PREVIOUS split on commas). */
  static fromBase64(current: string, previous: readonly string[] = []): MasterKeys {
    return MasterKeys.from(
      parseMasterKey(current, 'MASTER_KEY'),
      previous.map((value, index) => parseMasterKey(value, `previous master key #${index + 1}`)),
    );
  }

  /** The master key with this id, or undefined when this process does not know it. */
  get(id: string): MasterKey | undefined {
    return this.#byId.get(id);
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }
}
