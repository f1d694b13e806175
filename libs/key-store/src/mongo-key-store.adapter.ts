import { mongoClient } from '@onehazel/storage';
import { MongoClient, type Collection, type Db } from 'mongodb';
import { KeyStore, WrappedDataKey } from './key-store.port';

/** A key as MongoDB holds it: `_id` = `${operatorId}:${entityId}`, the fields of the key beside it. */
type StoredKey = { _id: string } & { -readonly [K in keyof WrappedDataKey]: WrappedDataKey[K] };

const COLLECTION = 'entity_keys';
const DUPLICATE_KEY = 11000;

/** How often create reads back a key it collided with before giving up (the other key may be mid-delete). */
const CREATE_ATTEMPTS = 5;

function storedId(operatorId: string, entityId: string): string {
  // Without this, (a:b, c) and (a, b:c) would share an _id.
  if (operatorId.includes(':')) throw new Error('an operator id in the key store cannot contain ":"');
  return `${operatorId}:${entityId}`;
}

function toStored(key: WrappedDataKey): StoredKey {
  return {
    _id: storedId(key.operatorId, key.entityId),
    operatorId: key.operatorId,
    entityId: key.entityId,
    keyId: key.keyId,
    version: key.version,
    masterKeyId: key.masterKeyId,
    wrapped: key.wrapped,
    createdAt: key.createdAt,
  };
}

function fromStored(stored: StoredKey): WrappedDataKey {
  const { _id, ...key } = stored;
  return key;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The production key store: the MongoDB collection `entity_keys`, one document per entity. Writes are
 * majority-acknowledged and journaled and reads are majority reads, so a key handed out (and used to
 * encrypt) cannot be rolled back by a failover, and a destroyed key cannot reappear after one.
 *
 * Erasure. `destroy` removes the document from the collection, but MongoDB keeps copies of it beyond
 * the store's reach:
 * - the oplog: on a replica set every insert (and re-wrap) is in the oplog, with the whole document,
 *   until the capped oplog rolls over it — its window, hours to days depending on its size, the write
 *   rate and `oplogMinRetentionHours`. Change streams and lagging secondaries read from it.
 * - backups and snapshots (mongodump, filesystem or cloud snapshots) keep it until they expire;
 * - WiredTiger data and journal files may keep the freed bytes until they are reused or compacted.
 * What that means: after `destroy` no read of the store answers the key at once, but its wrapped bytes
 * survive for the oplog window and the backup retention period. A wrapped key alone decrypts nothing:
 * it also takes the master key that wrapped it. So erasure is complete when the oplog window has passed
 * and every backup holding the key has expired — or earlier, once the master key it was wrapped with has
 * been rotated (`listWrappedWithOther` + `rewrap`) and the retired master key destroyed. Deployments must
 * bound the oplog window and backup retention (or rotate master keys) to what their erasure promise says.
 */
export class MongoKeyStore implements KeyStore {
  private readonly client: MongoClient;
  private readonly db: Db;
  private indexes: Promise<void> | undefined;

  constructor(url: string, dbName: string) {
    this.client = mongoClient(url);
    this.db = this.client.db(dbName);
  }


  private get keys(): Collection<StoredKey> {
    return this.db.collection<StoredKey>(COLLECTION, {
      writeConcern: { w: 'majority', journal: true },
      readConcern: { level: 'majority' },
      readPreference: 'primary',
    });
  }

  /** The index listWrappedWithOther reads (two ranges, around the current master key); created on first use, retried if that failed. */
  private ensureIndexes(): Promise<void> {
    this.indexes ??= this.keys
      .createIndex({ masterKeyId: 1 }, { name: 'masterKeyId' })
      .then(() => undefined)
      .catch((error: unknown) => {
        this.indexes = undefined;
        throw error;
      });
    return this.indexes;
  }

  async create(key: WrappedDataKey): Promise<WrappedDataKey> {
    const stored = toStored(key);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.keys.insertOne({ ...stored });
        return fromStored(stored);
      } catch (error) {
        if ((error as { code?: unknown }).code !== DUPLICATE_KEY) throw error;
      }
      // First writer wins: answer its key. Not found means it was destroyed (or its insert is not yet
      // majority-committed) in between; try the insert again.
      const existing = await this.keys.findOne({ _id: stored._id });
      if (existing) return fromStored(existing);
      if (attempt >= CREATE_ATTEMPTS) throw new Error('the key store could neither insert nor read back a key');
      await sleep(10 * attempt);
    }
  }

  async get(operatorId: string, entityId: string): Promise<WrappedDataKey | null> {
    const stored = await this.keys.findOne({ _id: storedId(operatorId, entityId) });
    return stored ? fromStored(stored) : null;
  }

  async rewrap(expected: WrappedDataKey, masterKeyId: string, wrapped: string): Promise<boolean> {
    const { operatorId, entityId, keyId, version } = expected;
    const result = await this.keys.updateOne(
      { _id: storedId(operatorId, entityId), keyId, version, wrapped: expected.wrapped },
      { $set: { masterKeyId, wrapped } },
    );
    return result.matchedCount === 1;
  }

  async destroy(operatorId: string, entityId: string): Promise<boolean> {
    const result = await this.keys.deleteOne({ _id: storedId(operatorId, entityId) });
    return result.deletedCount === 1;
  }

  async listWrappedWithOther(masterKeyId: string, limit: number): Promise<WrappedDataKey[]> {
    if (limit <= 0) return []; // MongoDB reads limit 0 as "no limit"
    await this.ensureIndexes();
    const stored = await this.keys.find({ masterKeyId: { $ne: masterKeyId } }).hint('masterKeyId').limit(limit).toArray();
    return stored.map(fromStored);
  }

  async ping(): Promise<void> {
    await this.client.db('admin').command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
