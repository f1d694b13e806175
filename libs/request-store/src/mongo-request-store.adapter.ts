import { mongoClient } from '@onehazel/storage';
import { Long, MongoClient, type Collection, type Db, type Filter } from 'mongodb';
import { assertLeaseClaim, assertLeaseName } from './lease-arguments';
import { assertConsumable, assertReadable } from './quota-arguments';
import type { ClaimRequest, IdempotencyClaim, Lease, QuotaLimit, QuotaOutcome, RequestStore, StreamSnapshot, WindowCount } from './request-store.port';
import { assertSnapshot } from './snapshot-arguments';

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

/** One quota counter: `_id` = its bucket. Lives as long as the latest use that raised it. */
type StoredCounter = { _id: string; used: number; expiresAt: Date };

/** One quota use counted and not refunded: `_id` = its id; the counters it raised, to lower on a refund. */
type StoredUse = { _id: string; buckets: string[]; expiresAt: Date };

/**
 * One stream's latest snapshot: `_id` = the stream. The revision is a Long (int64), so that the server
 * compares revisions as numbers. No TTL: snapshots never expire.
 */
type StoredSnapshot = { _id: string; revision: Long; position: string; state: string };

/**
 * One lease: `_id` = its name; `expiresAt` is epoch ms (a number, compared with the caller's `now`). No TTL
 * index: a lease is never deleted, only expired (released at 0).
 */
type StoredLease = { _id: string; owner: string; expiresAt: number };

const WINDOWS = 'rate_windows';
const RECORDS = 'idempotency';
const COUNTERS = 'quota_counters';
const USES = 'quota_uses';
const SNAPSHOTS = 'stream_snapshots';
const LEASES = 'leases';
/**
 * A MongoDB document holds at most 16 MiB of BSON. A snapshot whose stream, position and state come to
 * more than this (UTF-8 bytes) is not kept: saveSnapshot skips it, silently, and the stream is read from
 * an older snapshot or from its start, as if the snapshot had been lost.
 */
const MAX_SNAPSHOT_BYTES = 15 * 1024 * 1024;
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
 *
 * Quota uses go to `quota_counters` (one per bucket) and `quota_uses` (one per id), both with a TTL
 * index on `expiresAt`. A use is counted without a multi-document transaction: each counter in turn by a
 * conditional increment (never past its limit, whatever runs concurrently), the ones raised lowered again
 * (compensation) if a later one refuses, and then the use recorded. See `consume` for what a crash
 * between the steps leaves.
 *
 * Stream snapshots go to `stream_snapshots`, one document per stream, replaced only by a higher
 * revision (see `saveSnapshot`); one over 15 MiB is skipped (MongoDB's 16 MiB document limit).
 *
 * Leases go to `leases`, one document per name, taken by one conditional upsert (see `claimLease`); no TTL
 * index and no sweep: they are only ever expired.
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

  private get counters(): Collection<StoredCounter> {
    return this.collection<StoredCounter>(COUNTERS);
  }

  private get uses(): Collection<StoredUse> {
    return this.collection<StoredUse>(USES);
  }

  private get snapshots(): Collection<StoredSnapshot> {
    return this.collection<StoredSnapshot>(SNAPSHOTS);
  }

  private get leases(): Collection<StoredLease> {
    return this.collection<StoredLease>(LEASES);
  }

  /** The TTL indexes and the subject index; created on first use, retried if that failed. */
  private ensureIndexes(): Promise<void> {
    this.indexes ??= Promise.all([
      this.windows.createIndex({ expiresAt: 1 }, { name: 'expiresAt_ttl', expireAfterSeconds: 0 }),
      this.records.createIndex({ expiresAt: 1 }, { name: 'expiresAt_ttl', expireAfterSeconds: 0 }),
      this.records.createIndex({ scope: 1, subject: 1 }, { name: 'scope_subject' }),
      this.counters.createIndex({ expiresAt: 1 }, { name: 'expiresAt_ttl', expireAfterSeconds: 0 }),
      this.uses.createIndex({ expiresAt: 1 }, { name: 'expiresAt_ttl', expireAfterSeconds: 0 }),
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

  /**
   * Three steps, each a single-document atomic write: (1) a use record already there for `id` is
   * 'already', nothing counted; (2) each counter in the order of the limits goes up by one only if it is
   * below its limit, so that concurrent uses never take it past; the first that refuses makes this use
   * 'refused', and the counters raised before it are lowered again; (3) the use is recorded, and if a
   * concurrent use of the same id recorded it first, this one lowers its counters again: 'already'.
   *
   * A crash (or a lost connection) between the steps leaves counters raised with no use record to refund
   * them: the month then counts a use too many. That is conservative (uses are refused early, never let
   * past a limit), and so is the window in which a use about to be refused, or a concurrent retry of the
   * same id, holds a count it will give back. An error in step 2 lowers what it knows it raised and is
   * thrown; one in step 3 is thrown as it is (the record may have been written: lowering the counters
   * then would let a refund lower them twice).
   */
  async consume(id: string, limits: readonly QuotaLimit[], expiresAt: number): Promise<QuotaOutcome> {
    assertConsumable(id, limits, expiresAt);
    await this.ensureIndexes();
    const buckets = limits.map(({ bucket }) => bucket);
    const expiry = new Date(expiresAt);
    if (await this.uses.findOne({ _id: id }, { projection: { _id: 1 } })) return { outcome: 'already', used: await this.used(buckets) };

    const raised: string[] = [];
    const used: number[] = [];
    try {
      for (const [index, { bucket, limit }] of limits.entries()) {
        const after = await this.countOne(bucket, limit, expiry);
        if (after === undefined) {
          await this.uncount(raised);
          // A concurrent use of the same id may be what filled the counter: then this one is that use.
          const counted = await this.uses.findOne({ _id: id }, { projection: { _id: 1 } });
          return counted
            ? { outcome: 'already', used: await this.used(buckets) }
            : { outcome: 'refused', refusedBy: index, used: await this.used(buckets) };
        }
        raised.push(bucket);
        used.push(after);
      }
    } catch (error) {
      // What was raised for certain is lowered; the counter that failed may stay raised (conservative).
      await this.uncount(raised).catch(() => undefined);
      throw error;
    }

    try {
      await this.uses.insertOne({ _id: id, buckets, expiresAt: expiry });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      await this.uncount(buckets);
      return { outcome: 'already', used: await this.used(buckets) };
    }
    return { outcome: 'counted', used };
  }

  /**
   * The use record goes first (one atomic delete: of two concurrent refunds, one finds it), then each of
   * its counters goes down by one. A crash in between leaves them raised: conservative, as in `consume`.
   */
  async refund(id: string): Promise<void> {
    await this.ensureIndexes();
    const use = await this.uses.findOneAndDelete({ _id: id });
    if (use) await this.uncount(use.buckets);
  }

  async usage(buckets: readonly string[]): Promise<ReadonlyMap<string, number>> {
    assertReadable(buckets);
    await this.ensureIndexes();
    const found = new Map<string, number>();
    if (buckets.length > 0) {
      const counters = await this.counters.find({ _id: { $in: [...buckets] } }, { projection: { used: 1 } }).toArray();
      for (const counter of counters) found.set(counter._id, counter.used);
    }
    return new Map(buckets.map((bucket) => [bucket, found.get(bucket) ?? 0]));
  }

  /**
   * Raises `bucket`'s counter by one if it is below `limit` (making it at 1 if there is none, with its
   * expiry, or extending that expiry to this use's): its value after, or undefined if it is at its limit.
   */
  private async countOne(bucket: string, limit: number, expiresAt: Date): Promise<number | undefined> {
    // The upsert below would make a missing counter at 1: past a limit of 0.
    if (limit === 0) return undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const counter = await this.counters.findOneAndUpdate(
          { _id: bucket, used: { $lt: limit } },
          { $inc: { used: 1 }, $max: { expiresAt } },
          { upsert: true, returnDocument: 'after' },
        );
        if (!counter) throw new Error('the request store answered no quota counter after an upsert');
        return counter.used;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      // The filter missed a counter that exists, so the upsert tried to make it again. Either it is at its
      // limit, or a concurrent first use made it after this one looked (the server retries such an upsert
      // only when its filter is equalities alone); then it is counted again. Reads are majority reads: one
      // that shows a counter not yet majority-committed, or one that looks below its limit, tries again.
      const counter = await this.counters.findOne({ _id: bucket });
      if (counter && counter.used >= limit) return undefined;
      if (attempt >= ATTEMPTS) throw new Error('the request store could not count a quota use: too many concurrent changes');
      await sleep(10 * attempt);
    }
  }

  /** Lowers each counter by one (never below 0): what a use raised, given back. */
  private async uncount(buckets: readonly string[]): Promise<void> {
    await Promise.all(buckets.map((bucket) => this.counters.updateOne({ _id: bucket, used: { $gt: 0 } }, { $inc: { used: -1 } })));
  }

  /** The counters of `buckets`, in their order. */
  private async used(buckets: readonly string[]): Promise<number[]> {
    const usage = await this.usage(buckets);
    return buckets.map((bucket) => usage.get(bucket) ?? 0);
  }

  async loadSnapshot(stream: string): Promise<StreamSnapshot | null> {
    const found = await this.snapshots.findOne({ _id: stream }, { useBigInt64: true });
    return found ? { stream, revision: toBigInt(found.revision), position: found.position, state: found.state } : null;
  }

  /**
   * One conditional upsert: the document is replaced if its revision is lower, made if there is none.
   * When the filter misses, the server tries to insert and fails on the duplicate `_id`. Either the kept
   * snapshot is at an equal or higher revision (nothing to do), or a concurrent first save of the stream
   * inserted it since this one looked (the server does not retry such an upsert: its filter is not
   * equalities alone), and it may be older: the same conditional update, without the upsert, settles it.
   * Snapshots are never deleted, so the document is there for it.
   */
  async saveSnapshot(snapshot: StreamSnapshot): Promise<void> {
    assertSnapshot(snapshot);
    const { stream, revision, position, state } = snapshot;
    const bytes = Buffer.byteLength(stream) + Buffer.byteLength(position) + Buffer.byteLength(state);
    if (bytes > MAX_SNAPSHOT_BYTES) return;
    const at = Long.fromBigInt(revision);
    const older: Filter<StoredSnapshot> = { _id: stream, revision: { $lt: at } };
    const replace = { $set: { revision: at, position, state } };
    try {
      await this.snapshots.updateOne(older, replace, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      await this.snapshots.updateOne(older, replace);
    }
  }

  /**
   * One conditional upsert: the lease is taken if it is `owner`'s or expired, made if there is none. When
   * the filter misses a lease that exists (another owner's, live), the server tries to insert it and fails
   * on the duplicate `_id`: the lease as it stands is read and answered. The server does not retry such an
   * upsert (its filter is not equalities alone), so of concurrent first claims one makes it and the others
   * get the duplicate key, and read it. Leases are never deleted, so the document is there to read.
   */
  async claimLease(name: string, owner: string, now: number, ttlMs: number): Promise<Lease> {
    assertLeaseClaim(name, owner, now, ttlMs);
    try {
      const taken = await this.leases.findOneAndUpdate(
        { _id: name, $or: [{ owner }, { expiresAt: { $lte: now } }] },
        { $set: { owner, expiresAt: now + ttlMs } },
        { upsert: true, returnDocument: 'after' },
      );
      if (!taken) throw new Error('the request store answered no lease after an upsert');
      return { name, owner: taken.owner, expiresAt: taken.expiresAt };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const held = await this.leases.findOne({ _id: name });
    if (!held) throw new Error(`the request store lost the lease ${JSON.stringify(name)} it was refused by`);
    return { name, owner: held.owner, expiresAt: held.expiresAt };
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    assertLeaseName(name, owner);
    await this.leases.updateOne({ _id: name, owner }, { $set: { expiresAt: 0 } });
  }

  async sweep(now: number): Promise<number> {
    const before = { expiresAt: { $lt: new Date(now) } };
    const swept = await Promise.all([
      this.records.deleteMany(before),
      this.windows.deleteMany(before),
      this.counters.deleteMany(before),
      this.uses.deleteMany(before),
    ]);
    return swept.reduce((total, { deletedCount }) => total + deletedCount, 0);
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

/** A stored revision: a bigint as read with `useBigInt64`, a Long or a number as the driver's other options read one. */
function toBigInt(revision: Long | bigint | number): bigint {
  if (typeof revision === 'bigint') return revision;
  if (typeof revision === 'number') return BigInt(revision);
  return revision.toBigInt();
}
