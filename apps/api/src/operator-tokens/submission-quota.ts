import { Inject, Injectable } from '@nestjs/common';
import { childShare, DomainError } from '@onehazel/domain';
import { Collections, OperatorTokenView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import type { QuotaLimit, RequestStore } from '@onehazel/request-store';
import type { Clock } from '@onehazel/runtime';
import { CLOCK, READ_STORE, REQUEST_STORE } from '../infrastructure/tokens';

/** A calendar month in UTC: its name (`2026-12`), and the instant the next one starts (the reset). */
export type QuotaMonth = Readonly<{ name: string; resetsAt: number }>;

export function quotaMonthOf(now: number): QuotaMonth {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return { name: `${year}-${String(month + 1).padStart(2, '0')}`, resetsAt: Date.UTC(year, month + 1, 1) };
}

/** Counters outlive their month by about a year, so that a past month's figures can still be read. */
const KEPT_AFTER_MONTH_MS = 400 * 86_400_000;

const tokenBucket = (month: QuotaMonth, tokenId: string): string => `quota:${month.name}:token:${tokenId}`;
const childBucket = (month: QuotaMonth, keyId: string): string => `quota:${month.name}:child:${keyId}`;

/** Which limit refused a submission: the token's monthly pool, or the child key's share of it. */
export type QuotaLimitName = 'token_monthly_pool' | 'child_share';

/** What a counted submission leaves to undo, should its request fail. */
export type CountedSubmission = Readonly<{ id: string; counted: boolean }>;

/** A child key as the quota knows it. */
export type QuotaSubject = Readonly<{ keyId: string; tokenId: string }>;

/**
 * Seed 003's quota, exact (issue 11): every write a child key makes to the operator data API is one
 * submission, counted against its token's pool for the calendar month in UTC and against the child's
 * share of it (`floor(quota × pct / 100)`, at least 1), both in one atomic step of the request store
 * shared by every instance. A month's counters are named by the month, so the month rolls over at
 * 00:00 UTC on the 1st with nothing to run. Counting stays out of the event log; every counted
 * submission is also an event whose metadata names the agent, its key and its token.
 */
@Injectable()
export class SubmissionQuota {
  constructor(
    @Inject(REQUEST_STORE) private readonly requests: RequestStore,
    @Inject(READ_STORE) private readonly read: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The clock's reading (epoch ms): read once per answer that names a month. */
  now(): number {
    return this.clock();
  }

  month(now = this.clock()): QuotaMonth {
    return quotaMonthOf(now);
  }

  /**
   * Counts one submission of `subject` under `id` (a retry of the same request, same id, is not counted
   * again), or throws QUOTA_EXCEEDED naming the limit, its figures and the reset instant.
   */
  async count(subject: QuotaSubject, id: string, now: number): Promise<CountedSubmission> {
    const token = (await this.read.get(Collections.operatorTokens, subject.tokenId)) as OperatorTokenView | null;
    if (!token) throw new Error(`child key ${subject.keyId} names operator token ${subject.tokenId}, which is not in the read model`);
    const month = quotaMonthOf(now);
    const share = childShare(token.monthlyQuotaSubmissions, token.childQuotaPct);
    // The child's own share first: where a store takes the limits one by one (MongoDB), a child at its
    // share is refused before it holds, even for an instant, one of the pool's last places.
    const limits: [QuotaLimit, QuotaLimit] = [
      { bucket: childBucket(month, subject.keyId), limit: share },
      { bucket: tokenBucket(month, token.id), limit: token.monthlyQuotaSubmissions },
    ];
    const outcome = await this.requests.consume(id, limits, month.resetsAt + KEPT_AFTER_MONTH_MS);
    if (outcome.outcome === 'refused') {
      // When both are used up (a share of 100 %), the pool is what the caller needs to hear of.
      const poolFull = outcome.used[1]! >= limits[1].limit;
      const refusedBy = poolFull ? 1 : outcome.refusedBy;
      const name: QuotaLimitName = refusedBy === 0 ? 'child_share' : 'token_monthly_pool';
      const limit = limits[refusedBy]!.limit;
      const what = name === 'token_monthly_pool' ? "The operator token's monthly pool" : "This child key's share of its operator token's monthly pool";
      throw new DomainError('QUOTA_EXCEEDED', `${what} is used up (${limit} submissions); it resets at ${new Date(month.resetsAt).toISOString()}`, {
        limit: name,
        quota: limit,
        used: outcome.used[refusedBy],
        resets_at: new Date(month.resetsAt).toISOString(),
        retry_after_seconds: Math.max(1, Math.ceil((month.resetsAt - now) / 1000)),
      });
    }
    return { id, counted: outcome.outcome === 'counted' };
  }

  /** Gives back a submission whose request failed (it changed nothing). */
  async refund(counted: CountedSubmission): Promise<void> {
    if (counted.counted) await this.requests.refund(counted.id);
  }

  /** This month's submissions of each token (one read of at most 100 counters). */
  async tokenUsage(tokenIds: readonly string[], now = this.clock()): Promise<ReadonlyMap<string, number>> {
    const month = quotaMonthOf(now);
    const counted = await this.requests.usage(tokenIds.map((id) => tokenBucket(month, id)));
    return new Map(tokenIds.map((id) => [id, counted.get(tokenBucket(month, id)) ?? 0]));
  }

  /** This month's submissions of each child key (one read of at most 100 counters). */
  async childUsage(keyIds: readonly string[], now = this.clock()): Promise<ReadonlyMap<string, number>> {
    const month = quotaMonthOf(now);
    const counted = await this.requests.usage(keyIds.map((id) => childBucket(month, id)));
    return new Map(keyIds.map((id) => [id, counted.get(childBucket(month, id)) ?? 0]));
  }
}
