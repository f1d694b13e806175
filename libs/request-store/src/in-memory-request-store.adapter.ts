import { assertLeaseClaim, assertLeaseName } from './lease-arguments';
import { assertConsumable, assertReadable } from './quota-arguments';
import type { ClaimRequest, IdempotencyClaim, Lease, QuotaLimit, QuotaOutcome, RequestStore, StreamSnapshot, WindowCount } from './request-store.port';
import { assertSnapshot } from './snapshot-arguments';

type RateWindow = { hits: number; expiresAt: number };

type QuotaCounter = { used: number; expiresAt: number };

/** A use counted and not refunded: the buckets it raised, to lower on a refund. */
type QuotaUse = Readonly<{ buckets: readonly string[]; expiresAt: number }>;

type IdempotencyRecord = Readonly<{
  fingerprint: string;
  token: string;
  state: 'in_flight' | 'done' | 'released';
  status: number | null;
  response: string | null;
  subject: string | null;
  commandId: string;
  owner: string;
  lockedUntil: number;
  expiresAt: number;
}>;

/** The inner Map of `key` in `outer`, made on first use. */
function inner<K, V>(outer: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let found = outer.get(key);
  if (!found) {
    found = new Map();
    outer.set(key, found);
  }
  return found;
}

/**
 * The request store in memory, for handler specs: the same port and contract as the SQLite request store,
 * decision for decision (the same claim, take-over, completion, release, purge, quota and sweep rules).
 * Windows by bucket then window start, records by scope then key: nested Maps, so no two names can be
 * joined alike; quota counters by bucket, quota uses by id; snapshots by stream and leases by name (neither
 * swept). Times are the caller's (`now`, `expiresAt`); nothing expires by itself, only `claim` and
 * `claimLease` (which ignore an expired record or lease) and `sweep` (which deletes expired records) look
 * at them. No timers.
 *
 * Every operation runs to completion in one turn of the event loop: concurrent claims, hits, quota uses
 * and lease claims are serialised as the SQLite adapter's transactions are.
 */
export class InMemoryRequestStore implements RequestStore {
  private readonly windows = new Map<string, Map<number, RateWindow>>();
  private readonly records = new Map<string, Map<string, IdempotencyRecord>>();
  private readonly counters = new Map<string, QuotaCounter>();
  private readonly uses = new Map<string, QuotaUse>();
  private readonly snapshots = new Map<string, StreamSnapshot>();
  private readonly leases = new Map<string, Lease>();
  private closed = false;

  async hit(bucket: string, windowMs: number, now: number): Promise<WindowCount> {
    this.assertOpen();
    const start = Math.floor(now / windowMs) * windowMs;
    const windows = inner(this.windows, bucket);
    const window = windows.get(start) ?? { hits: 0, expiresAt: start + windowMs };
    window.hits += 1;
    windows.set(start, window);
    return { hits: window.hits, resetAt: start + windowMs };
  }

  async claim(request: ClaimRequest): Promise<IdempotencyClaim> {
    this.assertOpen();
    const { scope, key, token, fingerprint, formerFingerprints = [], commandId, owner, ownerGone, now, lockMs, ttlMs } = request;
    const records = inner(this.records, scope);
    const record = records.get(key);
    const live = record && record.expiresAt >= now ? record : undefined;
    if (live && (live.fingerprint === fingerprint || formerFingerprints.includes(live.fingerprint))) {
      if (live.state === 'done') return { outcome: 'done', status: live.status!, response: live.response! };
      const held = live.state === 'in_flight' && live.lockedUntil > now && (ownerGone === undefined || live.owner !== ownerGone);
      if (held) return { outcome: 'in_flight', owner: live.owner };
      // Released, abandoned by a process that is gone, or its lock expired: the same request goes on under
      // its commandId, and the record keeps its fingerprint and expiry.
      records.set(key, { ...live, token, state: 'in_flight', owner, lockedUntil: now + lockMs });
      return { outcome: 'claimed', commandId: live.commandId };
    }
    if (live && live.state !== 'released') return { outcome: 'mismatch' };
    records.set(key, {
      fingerprint,
      token,
      state: 'in_flight',
      status: null,
      response: null,
      subject: null,
      commandId,
      owner,
      lockedUntil: now + lockMs,
      expiresAt: now + ttlMs,
    });
    return { outcome: 'claimed', commandId };
  }

  async complete(scope: string, key: string, token: string, status: number, response: string, subject: string | null): Promise<void> {
    this.assertOpen();
    const records = this.records.get(scope);
    const record = records?.get(key);
    if (records && record?.token === token && record.state === 'in_flight') {
      records.set(key, { ...record, state: 'done', status, response, subject });
    }
  }

  async release(scope: string, key: string, token: string): Promise<void> {
    this.assertOpen();
    const records = this.records.get(scope);
    const record = records?.get(key);
    if (records && record?.token === token && record.state === 'in_flight') records.set(key, { ...record, state: 'released' });
  }

  async purgeSubject(scope: string, subject: string): Promise<number> {
    this.assertOpen();
    const records = this.records.get(scope);
    if (!records) return 0;
    let purged = 0;
    for (const [key, record] of records) {
      if (record.subject === subject) {
        records.delete(key);
        purged += 1;
      }
    }
    return purged;
  }

  async consume(id: string, limits: readonly QuotaLimit[], expiresAt: number): Promise<QuotaOutcome> {
    this.assertOpen();
    assertConsumable(id, limits, expiresAt);
    const used = () => limits.map(({ bucket }) => this.counters.get(bucket)?.used ?? 0);
    if (this.uses.has(id)) return { outcome: 'already', used: used() };
    const refusedBy = limits.findIndex(({ bucket, limit }) => (this.counters.get(bucket)?.used ?? 0) >= limit);
    if (refusedBy >= 0) return { outcome: 'refused', refusedBy, used: used() };
    for (const { bucket } of limits) {
      const counter = this.counters.get(bucket);
      if (counter) {
        counter.used += 1;
        counter.expiresAt = Math.max(counter.expiresAt, expiresAt);
      } else {
        this.counters.set(bucket, { used: 1, expiresAt });
      }
    }
    this.uses.set(id, { buckets: limits.map(({ bucket }) => bucket), expiresAt });
    return { outcome: 'counted', used: used() };
  }

  async refund(id: string): Promise<void> {
    this.assertOpen();
    const use = this.uses.get(id);
    if (!use) return;
    this.uses.delete(id);
    for (const bucket of use.buckets) {
      const counter = this.counters.get(bucket);
      if (counter && counter.used > 0) counter.used -= 1;
    }
  }

  async usage(buckets: readonly string[]): Promise<ReadonlyMap<string, number>> {
    this.assertOpen();
    assertReadable(buckets);
    return new Map(buckets.map((bucket) => [bucket, this.counters.get(bucket)?.used ?? 0]));
  }

  async loadSnapshot(stream: string): Promise<StreamSnapshot | null> {
    this.assertOpen();
    return this.snapshots.get(stream) ?? null;
  }

  async saveSnapshot(snapshot: StreamSnapshot): Promise<void> {
    this.assertOpen();
    assertSnapshot(snapshot);
    const { stream, revision, position, state } = snapshot;
    const kept = this.snapshots.get(stream);
    // A copy of the fields alone (all immutable values): the caller's object is not kept.
    if (!kept || revision > kept.revision) this.snapshots.set(stream, Object.freeze({ stream, revision, position, state }));
  }

  async claimLease(name: string, owner: string, now: number, ttlMs: number): Promise<Lease> {
    this.assertOpen();
    assertLeaseClaim(name, owner, now, ttlMs);
    const held = this.leases.get(name);
    if (held && held.owner !== owner && held.expiresAt > now) return held;
    const lease = Object.freeze({ name, owner, expiresAt: now + ttlMs });
    this.leases.set(name, lease);
    return lease;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    this.assertOpen();
    assertLeaseName(name, owner);
    const held = this.leases.get(name);
    // Expired at 0 rather than deleted, as the other adapters do: free for anyone, whatever their clock.
    if (held?.owner === owner) this.leases.set(name, Object.freeze({ ...held, expiresAt: 0 }));
  }

  async sweep(now: number): Promise<number> {
    this.assertOpen();
    let swept = 0;
    for (const entries of [this.counters, this.uses] as Map<string, { expiresAt: number }>[]) {
      for (const [key, entry] of entries) {
        if (entry.expiresAt < now) {
          entries.delete(key);
          swept += 1;
        }
      }
    }
    for (const outer of [this.records, this.windows] as Map<string, Map<unknown, { expiresAt: number }>>[]) {
      for (const [name, entries] of outer) {
        for (const [key, entry] of entries) {
          if (entry.expiresAt < now) {
            entries.delete(key);
            swept += 1;
          }
        }
        if (entries.size === 0) outer.delete(name);
      }
    }
    return swept;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the in-memory request store is closed');
  }
}
