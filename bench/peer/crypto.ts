import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The peer's encryption, the plainest form of the product's scheme (DESIGN.md §6):
 *   - operator key-encryption key = HKDF-SHA256(master key, operatorId);
 *   - one random 32-byte data key per entity, stored wrapped (AES-256-GCM) under the operator's KEK;
 *   - each personal field stored as base64url(nonce | ciphertext | tag), AES-256-GCM under the data key,
 *     with the operator, entity and field as additional authenticated data.
 */

const NONCE = 12;
const TAG = 16;

export const PII_FIELDS = ['first_name', 'last_name', 'email', 'phone', 'date_of_birth'] as const;

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function operatorKek(masterKey: Buffer, operatorId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `peer-kek:${operatorId}`, 32));
}

function encrypt(key: Buffer, aad: string, plaintext: Buffer): string {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]).toString('base64url');
}

function decrypt(key: Buffer, aad: string, sealed: string): Buffer {
  const bytes = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE), { authTagLength: TAG });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG));
  return Buffer.concat([decipher.update(bytes.subarray(NONCE, bytes.length - TAG)), decipher.final()]);
}

export const newDataKey = (): Buffer => randomBytes(32);

export const wrapKey = (kek: Buffer, operatorId: string, entityId: string, dataKey: Buffer): string =>
  encrypt(kek, `wrap:${operatorId}:${entityId}`, dataKey);

export const unwrapKey = (kek: Buffer, operatorId: string, entityId: string, wrapped: string): Buffer =>
  decrypt(kek, `wrap:${operatorId}:${entityId}`, wrapped);

/** A copy of `data` with its personal fields sealed under the entity's data key. */
export function sealFields(dataKey: Buffer, operatorId: string, entityId: string, data: Record<string, unknown>): Record<string, unknown> {
  const sealed: Record<string, unknown> = { ...data };
  for (const field of PII_FIELDS) {
    if (Object.hasOwn(data, field)) {
      sealed[field] = encrypt(dataKey, `${operatorId}:${entityId}:${field}`, Buffer.from(JSON.stringify(data[field]), 'utf8'));
    }
  }
  return sealed;
}

/** The inverse of sealFields. */
export function openFields(dataKey: Buffer, operatorId: string, entityId: string, sealed: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = { ...sealed };
  for (const field of PII_FIELDS) {
    const value = sealed[field];
    if (typeof value === 'string') {
      data[field] = JSON.parse(decrypt(dataKey, `${operatorId}:${entityId}:${field}`, value).toString('utf8')) as unknown;
    }
  }
  return data;
}
