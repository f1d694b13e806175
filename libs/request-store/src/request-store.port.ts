/**
 * The request store port (DESIGN.md §2): rate-limit counters and idempotency records, shared by every
 * API instance on the same backend. Adapters: SQLite (DATA_DIR/requests.db) and MongoDB (TTL indexes).
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
  /** Deletes expired records and past windows; answers how many. */
  sweep(now: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
