import { MAX_QUOTA_BUCKETS, type QuotaLimit } from './request-store.port';

/**
 * What every adapter refuses before counting anything, so that they all refuse alike: a use counted twice
 * against one bucket (named twice) or against a limit that is no count would break all-or-none.
 */
export function assertConsumable(id: string, limits: readonly QuotaLimit[], expiresAt: number): void {
  if (typeof id !== 'string' || id.length === 0) throw new RangeError('a quota use needs an id');
  if (limits.length === 0) throw new RangeError('a quota use needs at least one limit');
  if (limits.length > MAX_QUOTA_BUCKETS) throw new RangeError(`a quota use counts against at most ${MAX_QUOTA_BUCKETS} limits`);
  const seen = new Set<string>();
  for (const { bucket, limit } of limits) {
    if (typeof bucket !== 'string' || bucket.length === 0) throw new RangeError('a quota limit needs a bucket');
    if (seen.has(bucket)) throw new RangeError(`the quota bucket ${JSON.stringify(bucket)} is given twice`);
    seen.add(bucket);
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`the quota limit of ${JSON.stringify(bucket)} is not a whole number of 0 or more`);
  }
  if (!Number.isSafeInteger(expiresAt)) throw new RangeError('a quota use expires at a time in epoch milliseconds');
}

/** `usage` reads at most MAX_QUOTA_BUCKETS counters in one call. */
export function assertReadable(buckets: readonly string[]): void {
  if (buckets.length > MAX_QUOTA_BUCKETS) throw new RangeError(`quota usage reads at most ${MAX_QUOTA_BUCKETS} buckets at once`);
}
