import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { DomainError } from '@onehazel/domain';
import type { RequestStore } from '@onehazel/request-store';
import type { Config } from '@onehazel/runtime';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/principal';
import { CONFIG } from '../../infrastructure/tokens';

/** @nestjs/throttler's storage on the request store, so that every instance counts the same window. */
export class SharedThrottlerStorage implements ThrottlerStorage {
  constructor(
    private readonly store: RequestStore,
    private readonly now: () => number = Date.now,
  ) {}

  async increment(key: string, ttl: number, limit: number): ReturnType<ThrottlerStorage['increment']> {
    const now = this.now();
    const { hits, resetAt } = await this.store.hit(key, ttl, now);
    const timeToExpire = Math.max(1, Math.ceil((resetAt - now) / 1000));
    const isBlocked = hits > limit;
    return { totalHits: hits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }
}

/** The limit of the authenticated caller: its operator's plan, or the platform limit. */
export function limitFor(context: ExecutionContext, limits: Config['rateLimits']): number {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal || principal.kind === 'platform') return limits.platform;
  return limits[principal.plan];
}

/**
 * Rate limits per key (per session for JWT callers), counted in the shared request store:
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` on every answer, and 429 RATE_LIMITED
 * with `Retry-After` past the limit. Called by the authentication guards, once the caller is known.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override headerPrefix = 'RateLimit' as 'X-RateLimit';

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const principal = (request as unknown as AuthenticatedRequest).principal;
    if (!principal) return 'anonymous';
    if (principal.kind === 'platform') return `platform-key:${principal.keyId}`;
    return principal.via === 'key' ? `key:${principal.keyId}` : `session:${principal.operatorId}:${principal.subject}`;
  }

  /** One counter per caller for the whole API, not one per route. */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `rate:${name}:${tracker}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('RateLimit-Limit', detail.limit);
    void reply.header('RateLimit-Remaining', 0);
    void reply.header('RateLimit-Reset', detail.timeToExpire);
    throw new DomainError('RATE_LIMITED', `Rate limit exceeded: ${detail.limit} requests per ${Math.round(this.config.rateLimits.windowMs / 1000)} s; retry after ${detail.timeToBlockExpire} s`);
  }
}
