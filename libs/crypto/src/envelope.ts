import { createCipheriv, createDecipheriv } from 'node:crypto';
import { secureRandomBytes } from './random';

/**
 * Field envelopes (DESIGN.md §6, STYLE.md "Crypto: explicit envelopes"): a PII value is stored in events
 * and read models only as
 *
 *   oh1.<keyId>.<keyVersion>.<nonce>.<ciphertext>.<tag>
 *
 * - `oh1`: the format version;
 * - `keyId`: the entity's data key id ([A-Za-z0-9_-], at most 64 characters), `keyVersion`: its version
 *   (decimal, 1 or more), so that keys can rotate and a reader knows which key to ask for;
 * - `nonce` (12 random bytes), `ciphertext` and `tag` (16 bytes): unpadded base64url, AES-256-GCM.
 *
 * The plaintext is `JSON.stringify(value)`, so strings, numbers, booleans, null, arrays and objects
 * survive (with JSON's semantics: a Date becomes its ISO string, NaN becomes null).
 * The additional authenticated data is the UTF-8 of
 *
 *   JSON.stringify(["oh1", operatorId, entityId, field, keyId, keyVersion])
 *
 * so an envelope copied to another operator, entity or field, or whose header is edited, fails to decrypt.
 */

export type CryptoErrorCode =
  | 'ENVELOPE_MALFORMED'
  | 'ENVELOPE_TAMPERED'
  | 'KEY_MISMATCH'
  | 'INVALID_KEY'
  | 'INVALID_CONTEXT'
  | 'VALUE_UNSUPPORTED'
  | 'INVALID_MASTER_KEY'
  | 'UNKNOWN_MASTER_KEY'
  | 'KEY_UNWRAP_FAILED';

/** A failure of the crypto layer. The message never holds plaintext or key material. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';

  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** An entity's unwrapped data key: 32 bytes for AES-256-GCM, named by a key id and a version. */
export type DataKey = Readonly<{ keyId: string; version: number; key: Buffer }>;

/** Where an envelope belongs; bound into its AAD. */
export type EnvelopeContext = Readonly<{ operatorId: string; entityId: string; field: string }>;

export const ENVELOPE_VERSION = 'oh1';

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const MAX_KEY_VERSION = 999_999_999;

const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ENVELOPE =
  /^oh1\.([A-Za-z0-9_-]{1,64})\.([1-9][0-9]{0,8})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{22})$/;

/** Decodes unpadded base64url, refusing any spelling that does not re-encode identically (no malleability). */
function decodeCanonical(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

function checkKey(key: DataKey): void {
  if (
    typeof key?.keyId !== 'string' ||
    !KEY_ID.test(key.keyId) ||
    !Number.isInteger(key.version) ||
    key.version < 1 ||
    key.version > MAX_KEY_VERSION ||
    !Buffer.isBuffer(key.key) ||
    key.key.length !== KEY_BYTES
  ) {
    throw new CryptoError('INVALID_KEY', 'data key must have a key id, a version from 1 and 32 key bytes');
  }
}

function checkContext(context: EnvelopeContext): void {
  for (const name of ['operatorId', 'entityId', 'field'] as const) {
    const part = context?.[name];
    if (typeof part !== 'string' || part.length === 0) {
      throw new CryptoError('INVALID_CONTEXT', `envelope context needs a non-empty ${name}`);
    }
  }
}

function aad(context: EnvelopeContext, keyId: string, version: number): Buffer {
  return Buffer.from(
    JSON.stringify([ENVELOPE_VERSION, context.operatorId, context.entityId, context.field, keyId, version]),
    'utf8',
  );
}

type ParsedEnvelope = { keyId: string; version: number; nonce: Buffer; ciphertext: Buffer; tag: Buffer };

function parse(envelope: unknown): ParsedEnvelope {
  const match = typeof envelope === 'string' ? ENVELOPE.exec(envelope) : null;
  if (!match) throw new CryptoError('ENVELOPE_MALFORMED', 'value is not an oh1 envelope');
  const [, keyId = '', version = '', nonceText = '', ciphertextText = '', tagText = ''] = match;
  const nonce = decodeCanonical(nonceText);
  const ciphertext = decodeCanonical(ciphertextText);
  const tag = decodeCanonical(tagText);
  if (!nonce || !ciphertext || !tag || nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES || ciphertext.length === 0) {
    throw new CryptoError('ENVELOPE_MALFORMED', 'envelope parts are not canonical base64url of the expected sizes');
  }
  return { keyId, version: Number(version), nonce, ciphertext, tag };
}

/** Encrypts `JSON.stringify(value)` under the data key, bound to the context. Each call draws a new nonce. */
export function seal(key: DataKey, context: EnvelopeContext, value: unknown): string {
  checkKey(key);
  checkContext(context);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined) {
    throw new CryptoError('VALUE_UNSUPPORTED', `field ${context.field}: value is not JSON-serialisable`);
  }
  const nonce = secureRandomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(context, key.keyId, key.version));
  const ciphertext = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    ENVELOPE_VERSION,
    key.keyId,
    String(key.version),
    nonce.toString('base64url'),
    ciphertext.toString('base64url'),
    tag.toString('base64url'),
  ].join('.');
}

/**
 * Decrypts an envelope for the context. Throws CryptoError: ENVELOPE_MALFORMED (not an envelope),
 * KEY_MISMATCH (the envelope names another key id or version than `key`), ENVELOPE_TAMPERED (any byte
 * changed, or the envelope belongs to another operator, entity or field). Never answers wrong data.
 */
export function open(key: DataKey, context: EnvelopeContext, envelope: string): unknown {
  checkKey(key);
  checkContext(context);
  const parsed = parse(envelope);
  if (parsed.keyId !== key.keyId || parsed.version !== key.version) {
    throw new CryptoError(
      'KEY_MISMATCH',
      `envelope was sealed with key ${parsed.keyId} v${parsed.version}, not ${key.keyId} v${key.version}`,
    );
  }
  let json: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, parsed.nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(context, parsed.keyId, parsed.version));
    decipher.setAuthTag(parsed.tag);
    json = Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new CryptoError(
      'ENVELOPE_TAMPERED',
      `envelope does not authenticate for field ${context.field} of this entity and operator (altered or moved)`,
    );
  }
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw new CryptoError('ENVELOPE_MALFORMED', 'envelope plaintext is not JSON');
  }
}

/** True when the value has the shape of an oh1 envelope (it says nothing about whether it decrypts). */
export function isEnvelope(value: unknown): value is string {
  return typeof value === 'string' && ENVELOPE.test(value);
}

/** The data key an envelope names, to look it up before `open`. Throws ENVELOPE_MALFORMED. */
export function envelopeKey(envelope: string): Readonly<{ keyId: string; version: number }> {
  const { keyId, version } = parse(envelope);
  return { keyId, version };
}
