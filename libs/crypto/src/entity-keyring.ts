import { createCipheriv, createDecipheriv } from 'node:crypto';
import { secureRandomBytes } from './random';
import type { KeyStore, WrappedDataKey } from '@onehazel/key-store';
import { LRUCache } from 'lru-cache';
import { CryptoError, type DataKey } from './envelope';
import { randomId } from './ids';
import { deriveOperatorKek, type MasterKeys } from './master-keys';

/**
 * Per-entity data keys (DESIGN.md §6): a random 32-byte key per (operator, entity), kept in the key store
 * wrapped with AES-256-GCM under the operator's KEK, never in an event.
 *
 * Wrapped form (WrappedDataKey.wrapped): base64url(nonce 12 | ciphertext 32 | tag 16), with AAD the UTF-8 of
 * JSON.stringify(["ohwrap1", operatorId, entityId, keyId, version]); the record names the master key whose
 * operator KEK wrapped it (`masterKeyId`), so keys stay readable across a master-key rotation.
 *
 * Caching, and what it means for erasure: unwrapped keys are kept in memory in an LRU for `cacheTtlMs`
 * (default 30 s), so a busy entity does not cost a key-store read per request. `destroy` evicts the key
 * from this keyring's cache at once, but another process (another API instance) that read the key
 * shortly before may keep it in its own cache, and so still decrypt the entity's envelopes, for up to
 * `cacheTtlMs` after the erasure. After that no process holds the key; the envelopes left anywhere are
 * unreadable. Operator KEKs are cached per (masterKeyId, operatorId) without expiry (they are not
 * per-entity and erasing an entity does not concern them), so HKDF is not run per request.
 */

export type EntityKeyringOptions = Readonly<{
  store: KeyStore;
  masterKeys: MasterKeys;
  /** How long an unwrapped key may be served from memory; default 30 000 ms. 0 disables the cache. */
  cacheTtlMs?: number;
  /** Most unwrapped keys held at once; default 10 000. */
  cacheMax?: number;
  /** A millisecond clock for the cache's TTL (tests); default a monotonic clock. */
  now?: () => number;
}>;

const DATA_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const WRAPPED_BYTES = NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES;
const DEFAULT_TTL_MS = 30_000;
const DEFAULT_MAX = 10_000;
const KEK_CACHE_MAX = 4_096;
const REWRAP_PAGE = 100;

function wrapAad(operatorId: string, entityId: string, keyId: string, version: number): Buffer {
  return Buffer.from(JSON.stringify(['ohwrap1', operatorId, entityId, keyId, version]), 'utf8');
}

function wrap(kek: Buffer, operatorId: string, entityId: string, key: DataKey): string {
  const nonce = secureRandomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(wrapAad(operatorId, entityId, key.keyId, key.version));
  const ciphertext = Buffer.concat([cipher.update(key.key), cipher.final()]);
  return Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]).toString('base64url');
}

function unwrap(kek: Buffer, operatorId: string, entityId: string, record: WrappedDataKey): Buffer {
  const failed = (): CryptoError =>
    new CryptoError(
      'KEY_UNWRAP_FAILED',
      `data key ${record.keyId} v${record.version} of entity ${entityId} does not unwrap (altered, moved or wrong master key)`,
    );
  const bytes = typeof record.wrapped === 'string' ? Buffer.from(record.wrapped, 'base64url') : Buffer.alloc(0);
  if (bytes.length !== WRAPPED_BYTES || bytes.toString('base64url') !== record.wrapped) throw failed();
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, bytes.subarray(0, NONCE_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(wrapAad(operatorId, entityId, record.keyId, record.version));
    decipher.setAuthTag(bytes.subarray(NONCE_BYTES + DATA_KEY_BYTES));
    const plain = Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, NONCE_BYTES + DATA_KEY_BYTES)), decipher.final()]);
    // A buffer of its own: Buffer.concat slices Node's shared 8 KiB pool, and a cached 32-byte slice would
    // keep the whole slab (and whatever else it held) alive for as long as the key stays in the cache.
    const key = Buffer.alloc(DATA_KEY_BYTES);
    plain.copy(key);
    plain.fill(0);
    return key;
  } catch {
    throw failed();
  }
}

function checkIds(operatorId: string, entityId: string): void {
  if (typeof operatorId !== 'string' || operatorId.length === 0 || typeof entityId !== 'string' || entityId.length === 0) {
    throw new CryptoError('INVALID_CONTEXT', 'a data key needs a non-empty operatorId and entityId');
  }
}

export class EntityKeyring {
  readonly #store: KeyStore;
  readonly #masterKeys: MasterKeys;
  readonly #keys: LRUCache<string, DataKey> | null;
  readonly #keks: LRUCache<string, Promise<Buffer>>;
  /** Bumped by every destroy, so that a read racing a destroy does not put the destroyed key back in the cache. */
  #destroys = 0;

  private constructor(options: EntityKeyringOptions) {
    const ttl = options.cacheTtlMs ?? DEFAULT_TTL_MS;
    const max = options.cacheMax ?? DEFAULT_MAX;
    if (!Number.isFinite(ttl) || ttl < 0 || !Number.isInteger(max) || max < 1) {
      throw new RangeError('cacheTtlMs must be 0 or more and cacheMax a positive integer');
    }
    this.#store = options.store;
    this.#masterKeys = options.masterKeys;
    this.#keys =
      ttl === 0
        ? null
        : new LRUCache<string, DataKey>({
            max,
            ttl,
            ttlAutopurge: false,
            ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
          });
    this.#keks = new LRUCache<string, Promise<Buffer>>({ max: KEK_CACHE_MAX });
    Object.freeze(this);
  }

  /** Builds a keyring; the options are read once and cannot change afterwards. */
  static async create(options: EntityKeyringOptions): Promise<EntityKeyring> {
    if (!options?.store || !options.masterKeys) throw new TypeError('EntityKeyring needs a key store and master keys');
    return new EntityKeyring(options);
  }

  /**
   * The entity's data key: from the cache, else from the key store (unwrapped), else, when `create` is
   * set, a new random key (version 1) wrapped under the current master key and stored; if another writer
   * stored one first, that one is answered. Null when there is none and `create` is not set (never
   * created, or destroyed by an erasure). Throws CryptoError UNKNOWN_MASTER_KEY or KEY_UNWRAP_FAILED.
   */
  async forEntity(operatorId: string, entityId: string, options: { create: boolean }): Promise<DataKey | null> {
    checkIds(operatorId, entityId);
    const cacheKey = JSON.stringify([operatorId, entityId]);
    const cached = this.#keys?.get(cacheKey);
    if (cached) return cached;
    const destroysBefore = this.#destroys;
    const stored = await this.#store.get(operatorId, entityId);
    let key: DataKey | null;
    if (stored) key = await this.#unwrap(operatorId, entityId, stored);
    else if (options.create) key = await this.#createKey(operatorId, entityId);
    else key = null;
    if (key && this.#destroys === destroysBefore) this.#keys?.set(cacheKey, key);
    return key;
  }

  /**
   * Erases the entity's data key: hard-deletes it from the key store, then from this keyring's cache.
   * Other processes may serve it from their caches until their TTL runs out (see the module comment).
   * Answers whether there was a key.
   */
  async destroy(operatorId: string, entityId: string): Promise<boolean> {
    checkIds(operatorId, entityId);
    const cacheKey = JSON.stringify([operatorId, entityId]);
    this.#destroys += 1;
    this.#keys?.delete(cacheKey);
    try {
      return await this.#store.destroy(operatorId, entityId);
    } finally {
      this.#destroys += 1;
      this.#keys?.delete(cacheKey);
    }
  }

  /**
   * Re-wraps every stored key wrapped under a master key other than the current one with the current
   * one (after a rotation), a page at a time; answers how many were re-wrapped. Needs every master key
   * still in use as a previous key: one it does not know stops it with UNKNOWN_MASTER_KEY (keys re-wrapped
   * until then stay re-wrapped; it can be run again). `onProgress` receives the running count after each page.
   */
  async rewrapAll(onProgress?: (rewrapped: number) => void): Promise<number> {
    const current = this.#masterKeys.current;
    const seen = new Set<string>();
    let rewrapped = 0;
    for (;;) {
      const page = await this.#store.listWrappedWithOther(current.id, REWRAP_PAGE);
      if (page.length === 0) break;
      let progressed = false;
      for (const record of page) {
        const identity = JSON.stringify([record.operatorId, record.entityId, record.keyId, record.version, record.wrapped]);
        if (!seen.has(identity)) progressed = true;
        seen.add(identity);
        const key = await this.#unwrap(record.operatorId, record.entityId, record);
        const kek = await this.#kek(current.id, record.operatorId);
        const wrapped = wrap(kek, record.operatorId, record.entityId, key);
        // Compare-and-set in the store: a key destroyed (or created again) since the listing is left alone.
        if (await this.#store.rewrap(record, current.id, wrapped)) {
          rewrapped += 1;
          progressed = true;
        }
      }
      onProgress?.(rewrapped);
      // A page of records already seen and not re-wrapped would be answered again forever.
      if (!progressed) break;
    }
    return rewrapped;
  }

  async #unwrap(operatorId: string, entityId: string, record: WrappedDataKey): Promise<DataKey> {
    if (!this.#masterKeys.has(record.masterKeyId)) {
      throw new CryptoError(
        'UNKNOWN_MASTER_KEY',
        `data key of entity ${entityId} is wrapped by master key ${record.masterKeyId}, which is not configured (current or previous)`,
      );
    }
    const kek = await this.#kek(record.masterKeyId, operatorId);
    const key = unwrap(kek, operatorId, entityId, record);
    return Object.freeze({ keyId: record.keyId, version: record.version, key });
  }

  async #createKey(operatorId: string, entityId: string): Promise<DataKey> {
    const current = this.#masterKeys.current;
    const fresh: DataKey = Object.freeze({ keyId: randomId('dk_', 12), version: 1, key: secureRandomBytes(DATA_KEY_BYTES) });
    const kek = await this.#kek(current.id, operatorId);
    const wrapped = wrap(kek, operatorId, entityId, fresh);
    const stored = await this.#store.create({
      operatorId,
      entityId,
      keyId: fresh.keyId,
      version: fresh.version,
      masterKeyId: current.id,
      wrapped,
      createdAt: new Date().toISOString(),
    });
    // First writer wins: when another writer stored a key first, the store answers that one.
    if (stored.keyId === fresh.keyId && stored.version === fresh.version && stored.wrapped === wrapped) return fresh;
    return this.#unwrap(operatorId, entityId, stored);
  }

  #kek(masterId: string, operatorId: string): Promise<Buffer> {
    const cacheKey = JSON.stringify([masterId, operatorId]);
    const cached = this.#keks.get(cacheKey);
    if (cached) return cached;
    const master = this.#masterKeys.get(masterId);
    if (!master) {
      return Promise.reject(new CryptoError('UNKNOWN_MASTER_KEY', `master key ${masterId} is not configured`));
    }
    const derived = deriveOperatorKek(master.key, operatorId);
    this.#keks.set(cacheKey, derived);
    derived.catch(() => this.#keks.delete(cacheKey));
    return derived;
  }
}
