/**
 * The request store port (DESIGN.md §2): rate-limit counters and idempotency records, shared by every
 * API instance on the same backend. Adapters: SQLite (DATA_DIR/requests.db) and MongoDB (TTL indexes).
 */

export type WindowCount = Readonly<{ hits: number; resetAt: number }>;

export type IdempotencyClaim =
  | Readonly<{ outcome: 'claimed' }>
  /** The key was used for another request (another method, path or body). */
  | Readonly<{ outcome: 'mismatch' }>
  /** The first request with this key is still being processed. */
  | Readonly<{ outcome: 'in_flight' }>
  | Readonly<{ outcome: 'done'; status: number; response: string }>;

export type ClaimRequest = Readonly<{
  scope: string;
  key: string;
  /** Drawn by the caller for this claim: only its holder completes or releases it. */
  token: string;
  /** Method, path and a hash of the body: what makes two requests "the same". */
  fingerprint: string;
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
  /** Gives `token`'s claim up (the request failed), so that the client can retry with the same key. */
  release(scope: string, key: string, token: string): Promise<void>;
  /** Deletes the stored answers about a subject (an erased entity), so they do not outlive it. */
  purgeSubject(scope: string, subject: string): Promise<number>;
  /** Deletes expired records and past windows; answers how many. */
  sweep(now: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
