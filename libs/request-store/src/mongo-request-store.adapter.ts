import { mongoClient } from '@onehazel/storage';
import { MongoClient, type Collection, type Db, type Filter } from 'mongodb';
import type { ClaimRequest, IdempotencyClaim, RequestStore, WindowCount } from './request-store.port';

/** One fixed window of one bucket: `_id` = `${bucket}|${windowStart}` (the start is digits, so the last `|` splits it). */
type StoredWindow = { _id: string; hits: number; expiresAt: Date };

/** One idempotency key: `_id` = JSON.stringify([scope, key]), so that no two (scope, key) pairs share one. */
type StoredRecord = {
  _id: string;
  scope: string;
  key: string;
  fingerprint: string;
  token: string;
  state: 'in_flight' | 'done' | 'released';
  status: number | null;
  response: string | null;
  subject: string | null;
  /** The request's command id, kept by every attempt of the same request (absent on records made before it). */
  commandId?: string;
  /** The process whose claim it is. */
  owner?: string;
  /** Epoch milliseconds: until then a claim not completed is someone's request in progress. */
  lockedUntil: number;
  /** A Date, for the TTL index; until then the record answers replays. */
  expiresAt: Date;
};

const WINDOWS = 'rate_windows';
const RECORDS = 'idempotency';
const DUPLICATE_KEY = 11000;

/** How often an operation that lost a race to another instance looks again before giving up. */
const ATTEMPTS = 5;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const isDuplicateKey = (error: unknown) => (error as { code?: unknown }).code === DUPLICATE_KEY;

function recordId(scope: string, key: string): string {
  return JSON.stringify([scope, key]);
}

/**
 * The request store on MongoDB, shared by every API instance: `rate_windows` (one counter per bucket
 * and window) and `idempotency` (one record per scope and key). Both have a TTL index on `expiresAt`,
 * but the TTL monitor runs once a minute and goes by the server's clock, so claims compare expiry with
 * the caller's `now` and `sweep` deletes what has expired by then. Every operation is a single-document
 * atomic write (insert, conditional update, upsert), so instances never need a transaction; writes are
 * majority-acknowledged and journaled, reads are majority reads, as in MongoKeyStore.
 */
export class MongoRequestStore implements RequestStore {
  private readonly client: MongoClient;
  private readonly db: Db;
  private indexes: Promise<void> | undefined;

  constructor(url: string, dbName: string) {
    this.client = mongoClient(url);
    this.db = this.client.db(dbName);
  }


  private collection<T extends { _id: string }>(name: string): Collection<T> {
    return this.db.collection<T>(name, {
      writeConcern: { w: 'majority', journal: true },
      readConcern: { level: 'majority' },
      readPreference: 'primary',
    });
  }

  private get windows(): Collection<StoredWindow> {
    return this.collection<StoredWindow>(WINDOWS);
  }

  private get records(): Collection<StoredRecord> {
    return this.collection<StoredRecord>(RECORDS);
  }

  /** The TTL indexes and the subject index; created on first use, retried if that failed. */
  private ensureIndexes(): Promise<void> {
    this.indexes ??= Promise.all([
      this.windows.createIndex({ expiresAt: 1 }, { name: 'expiresAt_ttl', expireAfterSeconds: 0 }),
      this.records.createIndex({ expiresAt: 1 }, { name: 'expiresAt_ttl', expireAfterSeconds: 0 }),
      this.records.createIndex({ scope: 1, subject: 1 }, { name: 'scope_subject' }),
    ])
      .then(() => undefined)
      .catch((error: unknown) => {
        this.indexes = undefined;
        throw error;
      });
    return this.indexes;
  }

  async hit(bucket: string, windowMs: number, now: number): Promise<WindowCount> {
    await this.ensureIndexes();
    const start = Math.floor(now / windowMs) * windowMs;
    const resetAt = start + windowMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const window = await this.windows.findOneAndUpdate(
          { _id: `${bucket}|${start}` },
          { $inc: { hits: 1 }, $setOnInsert: { expiresAt: new Date(resetAt) } },
          { upsert: true, returnDocument: 'after' },
        );
        if (!window) throw new Error('the request store answered no window after an upsert');
        return { hits: window.hits, resetAt };
      } catch (error) {
        // Two upserts of a new window may both insert; the loser's retry finds the winner's document.
        if (!isDuplicateKey(error) || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  async claim(request: ClaimRequest): Promise<IdempotencyClaim> {
    await this.ensureIndexes();
    const { scope, key, token, fingerprint, formerFingerprints = [], commandId, owner, ownerGone, now, lockMs, ttlMs } = request;
    const fresh: StoredRecord = {
      _id: recordId(scope, key),
      scope,
      key,
      fingerprint,
      token,
      state: 'in_flight',
      status: null,
      response: null,
      subject: null,
      commandId,
      owner,
      lockedUntil: now + lockMs,
      expiresAt: new Date(now + ttlMs),
    };
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      if (attempt > 1) await sleep(10 * attempt);
      try {
        await this.records.insertOne({ ...fresh });
        return { outcome: 'claimed', commandId };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      // Not found: released or swept since the insert failed (or not yet majority-committed); insert again.
      const existing = await this.records.findOne({ _id: fresh._id });
      if (!existing) continue;
      const live = existing.expiresAt.getTime() >= now;
      // Take-overs apply only if the record is still the one read. Losing means another instance changed
      // it in between; the next attempt reads what it made.
      if (live && (existing.fingerprint === fingerprint || formerFingerprints.includes(existing.fingerprint))) {
        if (existing.state === 'done') return { outcome: 'done', status: existing.status!, response: existing.response! };
        const held = existing.state === 'in_flight' && existing.lockedUntil > now && (ownerGone === undefined || existing.owner !== ownerGone);
        if (held) return { outcome: 'in_flight', owner: existing.owner ?? '' };
        // Released, abandoned by a process that is gone, or its lock expired: the same request goes on under its commandId.
        const taken = await this.records.updateOne(sameRecord(existing), {
          $set: { token, state: 'in_flight', owner, lockedUntil: now + lockMs },
        });
        if (taken.matchedCount === 1) return { outcome: 'claimed', commandId: existing.commandId ?? '' };
        continue;
      }
      if (live && existing.state !== 'released') return { outcome: 'mismatch' };
      // Expired, or released and now another request's: a new record.
      const { _id, ...fields } = fresh;
      const replaced = await this.records.updateOne(sameRecord(existing), { $set: fields });
      if (replaced.matchedCount === 1) return { outcome: 'claimed', commandId };
    }
    throw new Error('the request store could not settle an idempotency claim: too many concurrent changes');
  }

  async complete(scope: string, key: string, token: string, status: number, response: string, subject: string | null): Promise<void> {
    await this.records.updateOne(
      { _id: recordId(scope, key), token, state: 'in_flight' },
      { $set: { state: 'done', status, response, subject } },
    );
  }

  async release(scope: string, key: string, token: string): Promise<void> {
    await this.records.updateOne({ _id: recordId(scope, key), token, state: 'in_flight' }, { $set: { state: 'released' } });
  }

  async purgeSubject(scope: string, subject: string): Promise<number> {
    await this.ensureIndexes();
    return (await this.records.deleteMany({ scope, subject })).deletedCount;
  }

  async sweep(now: number): Promise<number> {
    const before = { expiresAt: { $lt: new Date(now) } };
    const [records, windows] = await Promise.all([this.records.deleteMany(before), this.windows.deleteMany(before)]);
    return records.deletedCount + windows.deletedCount;
  }

  async ping(): Promise<void> {
    await this.client.db('admin').command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** A filter that matches the record only as it was read: every field a claim, completion or take-over sets. */
function sameRecord(record: StoredRecord): Filter<StoredRecord> {
  const { _id, fingerprint, token, state, status, response, subject, lockedUntil, expiresAt } = record;
  return { _id, fingerprint, token, state, status, response, subject, lockedUntil, expiresAt, owner: record.owner ?? { $exists: false } };
}
