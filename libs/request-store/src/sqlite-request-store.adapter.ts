import type Database from 'better-sqlite3';
import { GroupCommit, openSqlite } from '@onehazel/storage';
import { assertLeaseClaim, assertLeaseName } from './lease-arguments';
import { assertConsumable, assertReadable } from './quota-arguments';
import type { ClaimRequest, IdempotencyClaim, Lease, QuotaLimit, QuotaOutcome, RequestStore, StreamSnapshot, WindowCount } from './request-store.port';
import { assertSnapshot } from './snapshot-arguments';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rate_windows (
  bucket       TEXT    NOT NULL,
  window_start INTEGER NOT NULL,
  hits         INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  PRIMARY KEY (bucket, window_start)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idempotency (
  scope        TEXT    NOT NULL,
  key          TEXT    NOT NULL,
  fingerprint  TEXT    NOT NULL,
  token        TEXT    NOT NULL,
  state        TEXT    NOT NULL,
  status       INTEGER,
  response     TEXT,
  subject      TEXT,
  command_id   TEXT    NOT NULL DEFAULT '',
  owner        TEXT    NOT NULL DEFAULT '',
  locked_until INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idempotency_subject ON idempotency (scope, subject);
CREATE INDEX IF NOT EXISTS idempotency_expiry ON idempotency (expires_at);
CREATE INDEX IF NOT EXISTS rate_windows_expiry ON rate_windows (expires_at);
CREATE TABLE IF NOT EXISTS quota_counters (
  bucket     TEXT    PRIMARY KEY,
  used       INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quota_uses (
  id         TEXT    PRIMARY KEY,
  buckets    TEXT    NOT NULL, -- a JSON array: the counters the use raised, lowered again by a refund
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS quota_counters_expiry ON quota_counters (expires_at);
CREATE INDEX IF NOT EXISTS quota_uses_expiry ON quota_uses (expires_at);
CREATE TABLE IF NOT EXISTS stream_snapshots (
  stream   TEXT    PRIMARY KEY,
  revision INTEGER NOT NULL,
  position TEXT    NOT NULL,
  state    TEXT    NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leases (
  name       TEXT    PRIMARY KEY,
  owner      TEXT    NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;`;

/** Columns added since the first layout, for files made before them. */
const ADDED_COLUMNS = {
  command_id: "ALTER TABLE idempotency ADD COLUMN command_id TEXT NOT NULL DEFAULT ''",
  owner: "ALTER TABLE idempotency ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
};

type Row = {
  fingerprint: string;
  state: 'in_flight' | 'done' | 'released';
  command_id: string;
  owner: string;
  status: number | null;
  response: string | null;
  locked_until: number;
  expires_at: number;
};

/**
 * The embedded request store: its own SQLite file, so that counting requests never waits on the
 * projector's writes. Every operation is one short IMMEDIATE transaction, atomic across processes;
 * rate-limit hits asked for together are group-committed in one. A quota use reads its counters and
 * raises them in one IMMEDIATE transaction: it holds the file's write lock from its first read, so no
 * other connection or process counts in between, and a check always sees the counters it raises.
 *
 * A stream snapshot is one row per stream, replaced by a single upsert only when the new one's revision
 * is higher: atomic across processes without a read first. Revisions are 64-bit INTEGERs, read back as
 * bigints. A state of a few MB is written on this thread (better-sqlite3 is synchronous): milliseconds.
 *
 * A lease is one row per name, claimed in one IMMEDIATE transaction (read, decide, upsert, read back): no
 * other connection or process writes it between the read and the upsert. Released leases are expired (at
 * 0), not deleted, and sweeps leave leases alone.
 */
export class SqliteRequestStore implements RequestStore {
  private readonly db: Database.Database;
  private readonly statements;
  /** Rate-limit hits of concurrent requests share one transaction: each still reads its own exact count. */
  private readonly hits: GroupCommit;

  constructor(file: string) {
    // Counters may lose their last moments in a power loss (NORMAL); purged answers (about an erased
    // entity) are overwritten, not just unlinked (secure_delete).
    this.db = openSqlite(file, { synchronous: 'NORMAL', busyTimeoutMs: 5000, secureDelete: true });
    this.db.exec(SCHEMA);
    this.addMissingColumns();
    this.statements = {
      hit: this.db.prepare<[string, number, number], { hits: number }>(
        `INSERT INTO rate_windows (bucket, window_start, hits, expires_at) VALUES (?, ?, 1, ?)
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = hits + 1 RETURNING hits`,
      ),
      find: this.db.prepare<[string, string], Row>('SELECT * FROM idempotency WHERE scope = ? AND key = ?'),
      claim: this.db.prepare(
        `INSERT OR REPLACE INTO idempotency (scope, key, fingerprint, token, state, status, response, subject, command_id, owner, locked_until, expires_at)
         VALUES (?, ?, ?, ?, 'in_flight', NULL, NULL, NULL, ?, ?, ?, ?)`,
      ),
      takeOver: this.db.prepare(
        `UPDATE idempotency SET token = ?, state = 'in_flight', owner = ?, locked_until = ? WHERE scope = ? AND key = ?`,
      ),
      complete: this.db.prepare(
        `UPDATE idempotency SET state = 'done', status = ?, response = ?, subject = ?
         WHERE scope = ? AND key = ? AND token = ? AND state = 'in_flight'`,
      ),
      release: this.db.prepare(
        `UPDATE idempotency SET state = 'released' WHERE scope = ? AND key = ? AND token = ? AND state = 'in_flight'`,
      ),
      purge: this.db.prepare('DELETE FROM idempotency WHERE scope = ? AND subject = ?'),
      sweepRecords: this.db.prepare('DELETE FROM idempotency WHERE expires_at < ?'),
      sweepWindows: this.db.prepare('DELETE FROM rate_windows WHERE expires_at < ?'),
      quotaUsed: this.db.prepare<[string], { used: number }>('SELECT used FROM quota_counters WHERE bucket = ?'),
      quotaUsage: this.db.prepare<[string], { bucket: string; used: number }>(
        'SELECT bucket, used FROM quota_counters WHERE bucket IN (SELECT value FROM json_each(?))',
      ),
      // A counter lives as long as the latest use that raised it: no use record outlives its counter, so a
      // refund never lowers a counter made anew after a sweep.
      quotaCount: this.db.prepare<[string, number], { used: number }>(
        `INSERT INTO quota_counters (bucket, used, expires_at) VALUES (?, 1, ?)
         ON CONFLICT (bucket) DO UPDATE SET used = used + 1, expires_at = MAX(expires_at, excluded.expires_at) RETURNING used`,
      ),
      quotaUncount: this.db.prepare<[string]>('UPDATE quota_counters SET used = used - 1 WHERE bucket = ? AND used > 0'),
      quotaFindUse: this.db.prepare<[string], { id: string }>('SELECT id FROM quota_uses WHERE id = ?'),
      quotaRecordUse: this.db.prepare<[string, string, number]>('INSERT INTO quota_uses (id, buckets, expires_at) VALUES (?, ?, ?)'),
      quotaTakeUse: this.db.prepare<[string], { buckets: string }>('DELETE FROM quota_uses WHERE id = ? RETURNING buckets'),
      sweepQuotaCounters: this.db.prepare('DELETE FROM quota_counters WHERE expires_at < ?'),
      sweepQuotaUses: this.db.prepare('DELETE FROM quota_uses WHERE expires_at < ?'),
      loadSnapshot: this.db
        .prepare<[string], { revision: bigint; position: string; state: string }>(
          'SELECT revision, position, state FROM stream_snapshots WHERE stream = ?',
        )
        .safeIntegers(true),
      saveSnapshot: this.db.prepare<[string, bigint, string, string]>(
        `INSERT INTO stream_snapshots (stream, revision, position, state) VALUES (?, ?, ?, ?)
         ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, position = excluded.position, state = excluded.state
         WHERE excluded.revision > stream_snapshots.revision`,
      ),
      findLease: this.db.prepare<[string], { owner: string; expires_at: number }>('SELECT owner, expires_at FROM leases WHERE name = ?'),
      takeLease: this.db.prepare<[string, string, number]>(
        `INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`,
      ),
      releaseLease: this.db.prepare<[string, string]>('UPDATE leases SET expires_at = 0 WHERE name = ? AND owner = ?'),
      ping: this.db.prepare('SELECT 1'),
    };
    this.hits = new GroupCommit(this.db);
  }

  async hit(bucket: string, windowMs: number, now: number): Promise<WindowCount> {
    const start = Math.floor(now / windowMs) * windowMs;
    const hits = await this.hits.run(() => this.statements.hit.get(bucket, start, start + windowMs)!.hits);
    return { hits, resetAt: start + windowMs };
  }

  async claim(request: ClaimRequest): Promise<IdempotencyClaim> {
    const { scope, key, token, fingerprint, formerFingerprints = [], commandId, owner, ownerGone, now, lockMs, ttlMs } = request;
    const run = this.db.transaction((): IdempotencyClaim => {
      const row = this.statements.find.get(scope, key);
      const live = row && row.expires_at >= now ? row : undefined;
      if (live && (live.fingerprint === fingerprint || formerFingerprints.includes(live.fingerprint))) {
        if (live.state === 'done') return { outcome: 'done', status: live.status!, response: live.response! };
        const held = live.state === 'in_flight' && live.locked_until > now && (ownerGone === undefined || live.owner !== ownerGone);
        if (held) return { outcome: 'in_flight', owner: live.owner };
        // Released, abandoned by a process that is gone, or its lock expired: the same request goes on under its commandId.
        this.statements.takeOver.run(token, owner, now + lockMs, scope, key);
        return { outcome: 'claimed', commandId: live.command_id };
      }
      if (live && live.state !== 'released') return { outcome: 'mismatch' };
      this.statements.claim.run(scope, key, fingerprint, token, commandId, owner, now + lockMs, now + ttlMs);
      return { outcome: 'claimed', commandId };
    });
    return run.immediate();
  }

  /** In one IMMEDIATE transaction: two processes opening an old file at once add each column once. */
  private addMissingColumns(): void {
    const add = this.db.transaction(() => {
      const present = new Set((this.db.pragma('table_info(idempotency)') as { name: string }[]).map((column) => column.name));
      for (const [column, statement] of Object.entries(ADDED_COLUMNS)) if (!present.has(column)) this.db.exec(statement);
    });
    add.immediate();
  }

  async complete(scope: string, key: string, token: string, status: number, response: string, subject: string | null): Promise<void> {
    this.statements.complete.run(status, response, subject, scope, key, token);
  }

  async release(scope: string, key: string, token: string): Promise<void> {
    this.statements.release.run(scope, key, token);
  }

  async purgeSubject(scope: string, subject: string): Promise<number> {
    return this.statements.purge.run(scope, subject).changes;
  }

  async consume(id: string, limits: readonly QuotaLimit[], expiresAt: number): Promise<QuotaOutcome> {
    assertConsumable(id, limits, expiresAt);
    const { quotaUsed, quotaFindUse, quotaCount, quotaRecordUse } = this.statements;
    const count = (): QuotaOutcome => {
      const used = limits.map(({ bucket }) => quotaUsed.get(bucket)?.used ?? 0);
      if (quotaFindUse.get(id)) return { outcome: 'already', used };
      const refusedBy = limits.findIndex(({ limit }, index) => used[index] >= limit);
      if (refusedBy >= 0) return { outcome: 'refused', refusedBy, used };
      const after = limits.map(({ bucket }) => quotaCount.get(bucket, expiresAt)!.used);
      quotaRecordUse.run(id, JSON.stringify(limits.map(({ bucket }) => bucket)), expiresAt);
      return { outcome: 'counted', used: after };
    };
    // Group-committed with the other counts (and rate-limit hits) of this turn: one IMMEDIATE transaction,
    // whose write lock is taken before the first read, each count in a savepoint of its own, one after the
    // other, so each reads the counters as the ones before it left them.
    return this.hits.run(count);
  }

  async refund(id: string): Promise<void> {
    const { quotaTakeUse, quotaUncount } = this.statements;
    const run = this.db.transaction(() => {
      const use = quotaTakeUse.get(id);
      if (!use) return;
      for (const bucket of JSON.parse(use.buckets) as string[]) quotaUncount.run(bucket);
    });
    run.immediate();
  }

  async usage(buckets: readonly string[]): Promise<ReadonlyMap<string, number>> {
    assertReadable(buckets);
    const found = new Map(this.statements.quotaUsage.all(JSON.stringify(buckets)).map(({ bucket, used }) => [bucket, used]));
    return new Map(buckets.map((bucket) => [bucket, found.get(bucket) ?? 0]));
  }

  async loadSnapshot(stream: string): Promise<StreamSnapshot | null> {
    const row = this.statements.loadSnapshot.get(stream);
    return row ? { stream, revision: row.revision, position: row.position, state: row.state } : null;
  }

  async saveSnapshot(snapshot: StreamSnapshot): Promise<void> {
    assertSnapshot(snapshot);
    const { stream, revision, position, state } = snapshot;
    this.statements.saveSnapshot.run(stream, revision, position, state);
  }

  async claimLease(name: string, owner: string, now: number, ttlMs: number): Promise<Lease> {
    assertLeaseClaim(name, owner, now, ttlMs);
    const { findLease, takeLease } = this.statements;
    const run = this.db.transaction((): Lease => {
      const held = findLease.get(name);
      if (!held || held.owner === owner || held.expires_at <= now) takeLease.run(name, owner, now + ttlMs);
      const after = findLease.get(name)!;
      return { name, owner: after.owner, expiresAt: after.expires_at };
    });
    return run.immediate();
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    assertLeaseName(name, owner);
    this.statements.releaseLease.run(name, owner);
  }

  async sweep(now: number): Promise<number> {
    const { sweepRecords, sweepWindows, sweepQuotaCounters, sweepQuotaUses } = this.statements;
    return this.db.transaction(
      () => sweepRecords.run(now).changes + sweepWindows.run(now).changes + sweepQuotaCounters.run(now).changes + sweepQuotaUses.run(now).changes,
    )();
  }

  async ping(): Promise<void> {
    this.statements.ping.get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
