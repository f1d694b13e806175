import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerRequest,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { DomainError } from '@onehazel/domain';
import type { RequestStore } from '@onehazel/request-store';
import type { Config } from '@onehazel/runtime';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest, Principal } from '../auth/principal';
import { CONFIG } from '../infrastructure/tokens';
import { ERROR_STATUS } from './error-status';

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

/** The limit of the caller: its operator's plan, the platform limit, or the one for callers without a valid credential. */
export function limitFor(context: ExecutionContext, limits: Config['rateLimits']): number {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) return limits.anonymous;
  if (principal.kind === 'platform') return limits.platform;
  return limits[principal.plan];
}

/**
 * The IETF fields (draft-ietf-httpapi-ratelimit-headers): `RateLimit-Policy: "default";q=<quota>;w=<window s>`
 * and `RateLimit: "default";r=<remaining>;t=<seconds to reset>`.
 */
function setStructuredFields(reply: FastifyReply, quota: number, windowSeconds: number, remaining: number, reset: number): void {
  void reply.header('RateLimit-Policy', `"default";q=${quota};w=${windowSeconds}`);
  void reply.header('RateLimit', `"default";r=${remaining};t=${reset}`);
}

/**
 * Rate limits per key (per session for JWT callers), and per client address for requests without a
 * valid credential, counted in the shared request store: `RateLimit-Limit`, `RateLimit-Remaining`,
 * `RateLimit-Reset` and the IETF `RateLimit`, `RateLimit-Policy` on every answer, and 429 RATE_LIMITED
 * with `Retry-After` past the limit. Called by the authentication guards, once the caller is known or
 * has failed to authenticate.
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

  /**
   * Runs `authenticate`; a request it refuses is counted against its client address first, so that
   * guessing credentials is limited too (429 past the limit, else the refusal itself).
   */
  async authenticateThenLimit(context: ExecutionContext, authenticate: () => Promise<Principal>): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    try {
      request.principal = await authenticate();
    } catch (refused) {
      // Only a refusal counts: a store that failed says nothing about the caller.
      if (!(refused instanceof DomainError && ERROR_STATUS[refused.code] === 401)) throw refused;
      request.principal = undefined;
      await this.canActivate(context);
      throw refused;
    }
    return this.canActivate(context);
  }

  protected override async handleRequest(requestProps: ThrottlerRequest): Promise<boolean> {
    const allowed = await super.handleRequest(requestProps);
    // The throttler has just set the older triple; the structured fields repeat its figures.
    const reply = requestProps.context.switchToHttp().getResponse<FastifyReply>();
    const remaining = Number(reply.getHeader('RateLimit-Remaining'));
    const reset = Number(reply.getHeader('RateLimit-Reset'));
    setStructuredFields(reply, requestProps.limit, this.windowSeconds(), remaining, reset);
    return allowed;
  }

  private windowSeconds(): number {
    return Math.round(this.config.rateLimits.windowMs / 1000);
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const principal = (request as unknown as AuthenticatedRequest).principal;
    // request.ip follows TRUST_PROXY: X-Forwarded-For counts only from a trusted proxy.
    if (!principal) return `address:${(request as unknown as AuthenticatedRequest).ip}`;
    if (principal.kind === 'platform') return `platform-key:${principal.keyId}`;
    switch (principal.via) {
      case 'key':
        return `key:${principal.keyId}`;
      case 'session':
        return `session:${principal.operatorId}:${principal.subject}`;
      case 'operator-token':
        return `operator-token:${principal.tokenId}`;
    }
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
    setStructuredFields(reply, detail.limit, this.windowSeconds(), 0, detail.timeToExpire);
    throw new DomainError('RATE_LIMITED', `Rate limit exceeded: ${detail.limit} requests per ${this.windowSeconds()} s; retry after ${detail.timeToBlockExpire} s`);
  }
}
