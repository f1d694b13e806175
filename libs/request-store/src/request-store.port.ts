/**
 * The request store port (DESIGN.md §2): rate-limit counters, idempotency records, quota counters, stream
 * snapshots and leases (which projector process owns a projection set now), shared by every API instance on
 * the same backend. Adapters: SQLite (DATA_DIR/requests.db) and MongoDB (TTL indexes).
 */

export type WindowCount = Readonly<{ hits: number; resetAt: number }>;

export type IdempotencyClaim =
  /**
   * The caller holds the key now. `commandId` is the request's: the caller's own for a new claim, the
   * earlier attempt's when the same request takes over a claim that was released or abandoned, so that
   * every attempt of one request derives the same ids.
   */
  | Readonly<{ outcome: 'claimed'; commandId: string }>
  /** The key was used for another request (another method, path or body). */
  | Readonly<{ outcome: 'mismatch' }>
  /** The first request with this key is still being processed, by `owner` (a process). */
  | Readonly<{ outcome: 'in_flight'; owner: string }>
  | Readonly<{ outcome: 'done'; status: number; response: string }>;

export type ClaimRequest = Readonly<{
  scope: string;
  key: string;
  /** Drawn by the caller for this claim: only its holder completes or releases it. */
  token: string;
  /** Drawn by the caller: the request's command id, if the key was not claimed for this request before. */
  commandId: string;
  /** The claiming process (see ProcessIdentity). */
  owner: string;
  /** A process the caller knows to be gone: its claim in flight is taken over at once, lock or no lock. */
  ownerGone?: string;
  /** Method, path and a hash of the body: what makes two requests "the same". */
  fingerprint: string;
  /**
   * The same request's fingerprints as earlier keys made them (the caller's keyed hash under a master key
   * since rotated): a record holding one of them is this request too. The record keeps its own.
   */
  formerFingerprints?: readonly string[];
  now: number;
  /** A claim not completed by then (its process died) may be taken over. */
  lockMs: number;
  /** How long the record answers replays (24 h). */
  ttlMs: number;
}>;

/** Most buckets one `consume` counts against, or one `usage` reads. */
export const MAX_QUOTA_BUCKETS = 100;

/**
 * One counter a use is counted against, and the most it may reach: e.g. an operator token's pool for a
 * month and a child key's share of it. `bucket` names the counter and its period (the month is part of
 * the name: a new month is a new counter). `limit` is a whole number, 0 or more; a counter already at or
 * over it (the limit was lowered) refuses.
 */
export type QuotaLimit = Readonly<{ bucket: string; limit: number }>;

export type QuotaOutcome =
  /** Counted against every limit: `used` is each counter after it, in the order of the limits. */
  | Readonly<{ outcome: 'counted'; used: readonly number[] }>
  /** Refused by limits[`refusedBy`] (the first one at its limit); nothing was counted; `used` as it stands. */
  | Readonly<{ outcome: 'refused'; refusedBy: number; used: readonly number[] }>
  /** This id was counted before (a retry of the same request): nothing counted again. */
  | Readonly<{ outcome: 'already'; used: readonly number[] }>;

/**
 * A stream's folded state at a revision, as its decider encoded it (JSON text), and the log position of
 * that revision's event. A cache of what the stream's events fold to: a command may start from it and read
 * only the events after `revision`; one lost (the store is loseable) or skipped costs a longer read.
 */
export type StreamSnapshot = Readonly<{ stream: string; revision: bigint; position: string; state: string }>;

/** The highest revision a snapshot may be at (SQLite's INTEGER, MongoDB's Long): 2^63 - 1. */
export const MAX_SNAPSHOT_REVISION = 2n ** 63n - 1n;

/** Who holds a lease, until when (epoch ms). */
export type Lease = Readonly<{ name: string; owner: string; expiresAt: number }>;

export interface RequestStore {
  /** Adds a hit to the fixed window of `windowMs` that holds `now`; answers the window's count after it. */
  hit(bucket: string, windowMs: number, now: number): Promise<WindowCount>;
  /** Atomically claims (scope, key) for a request, or answers what the key already stands for. */
  claim(request: ClaimRequest): Promise<IdempotencyClaim>;
  /**
   * Stores the answer of a claimed request (already encrypted by the caller), tagged with what it is
   * about. Only while the claim is still `token`'s: one taken over after its lock expired is not touched.
   */
  complete(scope: string, key: string, token: string, status: number, response: string, subject: string | null): Promise<void>;
  /**
   * Gives `token`'s claim up (the request failed), so that the client can retry with the same key. A retry
   * of the same request gets the same commandId back (what the failed attempt recorded is found, not
   * doubled); another request may take the key.
   */
  release(scope: string, key: string, token: string): Promise<void>;
  /** Deletes the stored answers about a subject (an erased entity), so they do not outlive it. */
  purgeSubject(scope: string, subject: string): Promise<number>;
  /**
   * Counts one use under `id` (the request's) against every limit, all or none, atomically across
   * processes and instances: it is counted only if no counter is at its limit, and then each goes up by
   * one; concurrent uses never take a counter past its limit. A use already counted under `id`, and not
   * refunded, is not counted again ('already'). The counters and the use record expire at `expiresAt`
   * (epoch ms; swept after): a counter lives as long as the latest use that raised it. `used` in every
   * answer is the limits' counters in their order. Throws, counting nothing, on no limits, more than
   * MAX_QUOTA_BUCKETS, a bucket given twice or a limit that is not a whole number of 0 or more.
   */
  consume(id: string, limits: readonly QuotaLimit[], expiresAt: number): Promise<QuotaOutcome>;
  /**
   * Undoes `id`'s use (its request failed): each counter it raised goes down by one, once; an unknown or
   * already refunded id changes nothing. The id may then be counted again.
   */
  refund(id: string): Promise<void>;
  /**
   * The counters' values (0 for a bucket never counted, or swept), as a Map keyed by bucket. At most
   * MAX_QUOTA_BUCKETS buckets per call (throws on more).
   */
  usage(buckets: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /** The stream's latest snapshot, or null. */
  loadSnapshot(stream: string): Promise<StreamSnapshot | null>;
  /**
   * Keeps the snapshot if it is newer (higher revision) than the one kept; an older or equal one changes
   * nothing. Atomic across processes: of concurrent saves, the highest revision is the one kept. Snapshots
   * never expire. Throws, keeping nothing, on an empty stream name, a revision that is not a bigint from 0
   * to MAX_SNAPSHOT_REVISION, or a position or state that is not a string. An adapter may skip, silently,
   * a snapshot too large for it to keep (MongoDB: over 15 MiB).
   */
  saveSnapshot(snapshot: StreamSnapshot): Promise<void>;
  /**
   * Takes or renews the lease `name` for `owner`, until `now + ttlMs`, when it is free, expired (expiresAt <= now)
   * or already `owner`'s; otherwise changes nothing. Answers the lease as it stands afterwards (its holder may be
   * another owner). Atomic across processes and instances. Throws, changing nothing, on an empty name or owner, a
   * `now` that is not a finite number or a `ttlMs` that is not a positive whole number.
   */
  claimLease(name: string, owner: string, now: number, ttlMs: number): Promise<Lease>;
  /** Gives the lease up (expires it now) if `owner` holds it; otherwise changes nothing. */
  releaseLease(name: string, owner: string): Promise<void>;
  /**
   * Deletes expired records, past windows, and expired quota counters and uses; answers how many.
   * Snapshots and leases are left.
   */
  sweep(now: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
