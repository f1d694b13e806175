import { KeyStore, WrappedDataKey } from './key-store.port';

/** Only the port's fields, in a fresh object: a caller's object is never stored nor handed out. */
function copy(key: WrappedDataKey): WrappedDataKey {
  const { operatorId, entityId, keyId, version, masterKeyId, wrapped, createdAt } = key;
  return { operatorId, entityId, keyId, version, masterKeyId, wrapped, createdAt };
}

/**
 * The key store in memory, for handler specs: the same port and contract as the SQLite and MongoDB key
 * stores. Keys by operator, then by entity (nested Maps: no joined key two pairs of ids could share).
 * A destroyed key is deleted from the Maps; what the process's heap still holds of it until collected
 * is out of reach of a test fake, as of the real adapters' drivers.
 *
 * Every operation runs to completion in one turn of the event loop, so concurrent creates for one
 * entity agree on the first one's key.
 */
export class InMemoryKeyStore implements KeyStore {
  private readonly keys = new Map<string, Map<string, WrappedDataKey>>();
  private closed = false;

  async create(key: WrappedDataKey): Promise<WrappedDataKey> {
    this.assertOpen();
    let entities = this.keys.get(key.operatorId);
    if (!entities) {
      entities = new Map();
      this.keys.set(key.operatorId, entities);
    }
    const existing = entities.get(key.entityId);
    if (existing) return copy(existing);
    entities.set(key.entityId, copy(key));
    return copy(key);
  }

  async get(operatorId: string, entityId: string): Promise<WrappedDataKey | null> {
    this.assertOpen();
    const key = this.keys.get(operatorId)?.get(entityId);
    return key ? copy(key) : null;
  }

  async rewrap(expected: WrappedDataKey, masterKeyId: string, wrapped: string): Promise<boolean> {
    this.assertOpen();
    const entities = this.keys.get(expected.operatorId);
    const stored = entities?.get(expected.entityId);
    if (!entities || !stored) return false;
    if (stored.keyId !== expected.keyId || stored.version !== expected.version || stored.wrapped !== expected.wrapped) return false;
    entities.set(expected.entityId, { ...stored, masterKeyId, wrapped });
    return true;
  }

  async destroy(operatorId: string, entityId: string): Promise<boolean> {
    this.assertOpen();
    const entities = this.keys.get(operatorId);
    const deleted = entities?.delete(entityId) ?? false;
    if (entities?.size === 0) this.keys.delete(operatorId);
    return deleted;
  }

  async listWrappedWithOther(masterKeyId: string, limit: number): Promise<WrappedDataKey[]> {
    this.assertOpen();
    const found: WrappedDataKey[] = [];
    for (const entities of this.keys.values()) {
      for (const key of entities.values()) {
        if (found.length >= limit) return found;
        if (key.masterKeyId !== masterKeyId) found.push(copy(key));
      }
    }
    return found;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the in-memory key store is closed');
  }
}
