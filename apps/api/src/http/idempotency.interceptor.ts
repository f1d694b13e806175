import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { createHmac, randomUUID } from 'node:crypto';
import { from, Observable, of } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import { DomainError } from '@onehazel/domain';
import type { RequestStore } from '@onehazel/request-store';
import { Config, ProcessIdentity } from '@onehazel/runtime';
import type { FastifyReply } from 'fastify';
import { CONFIG, REQUEST_STORE } from '../infrastructure/tokens';
import { Metrics } from '../operations/metrics';
import type { AuthenticatedRequest, Principal } from '../auth/principal';
import { ErasureSubject, PersonalDataCipher } from '../personal-data/personal-data.cipher';
import { describeError, errorBody } from './error.filter';

const KEY_MAX = 255;
/**
 * A claim in flight is taken over after this long if its process cannot be checked (another host). On
 * this host, a claim whose process is gone is taken over at once.
 */
const LOCK_MS = 60_000;

/**
 * The header's value: a bare token, or an RFC 8941 string (`"..."`, as the IETF Idempotency-Key draft
 * defines the field) whose escapes are undone, so that `abc` and `"abc"` are the same key. Null when it
 * is neither.
 */
export function idempotencyKeyOf(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const value = header.trim();
  if (!value.startsWith('"')) return value.length > 0 && value.length <= KEY_MAX && !value.endsWith('"') ? value : null;
  // sf-string: printable ASCII, with \" and \\ as its only escapes, closed by the last character.
  const match = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/.exec(value);
  if (!match) return null;
  const key = match[1]!.replace(/\\(["\\])/g, '$1');
  return key.length > 0 && key.length <= KEY_MAX ? key : null;
}

/** JSON with sorted keys: two bodies that differ only in key order are the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The tenant: stored answers about its entities are purged together on erasure. */
function scopeOf(principal: Principal): string {
  return principal.kind === 'platform' ? `platform:${principal.platformId}` : ErasureSubject.scopeOf(principal.operatorId);
}

/** The caller within the tenant: one key's Idempotency-Keys never replay another key's answers. */
function callerOf(principal: Principal): string {
  if (principal.kind === 'platform') return `platform-key:${principal.keyId}`;
  switch (principal.via) {
    case 'key':
      return `key:${principal.keyId}`;
    case 'session':
      return `session:${principal.subject}`;
    case 'operator-token':
      return `operator-token:${principal.tokenId}`;
  }
}

/**
 * `Idempotency-Key` on every POST (DESIGN.md §7), scoped to the caller (the key, or the session), kept
 * for IDEMPOTENCY_TTL_MS (24 h): the same key and body replay the first answer with
 * `Idempotent-Replayed: true`; the same key with another request answers 422; while the first is in
 * flight, 409. A failed request releases its key, so it can be retried, except a 503 CONSISTENCY_TIMEOUT,
 * whose change was recorded: that answer (naming what was created) is what a retry gets. Stored answers are encrypted
 * (they may hold a new key's plaintext) under a key derived from the master key, and answers about an
 * entity are deleted when it is erased.
 *
 * Exactly once: the claim carries the request's commandId, kept by every attempt of the request (a retry
 * after a failure or a crash gets the same one back), and put on the request for the command's context:
 * the command derives its ids and its events' ids from it, so a retry of a request that got through
 * finds its events in the log and answers that outcome instead of recording it again. A claim left in
 * flight by a process of this host that is gone is taken over at once.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly identity = new ProcessIdentity();

  constructor(
    @Inject(REQUEST_STORE) private readonly store: RequestStore,
    private readonly cipher: PersonalDataCipher,
    @Inject(CONFIG) private readonly config: Config,
    private readonly metrics: Metrics,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined || !request.principal) return next.handle();
    return from(this.claim(request, header, request.principal)).pipe(
      mergeMap((claim) => {
        if (!claim.replay) {
          request.commandId = claim.commandId;
          request.commandRetry = claim.retry;
          return this.run(context, next, claim.scope, claim.key, claim.token);
        }
        const reply = context.switchToHttp().getResponse<FastifyReply>();
        this.metrics.idempotencyReplays.inc();
        void reply.status(claim.replay.status).header('idempotent-replayed', 'true');
        return of(claim.replay.body);
      }),
    );
  }

  private async claim(request: AuthenticatedRequest, header: string | string[], principal: Principal) {
    const idempotencyKey = idempotencyKeyOf(header);
    if (idempotencyKey === null) {
      throw new DomainError('VALIDATION_FAILED', 'The Idempotency-Key header is not valid', [
        {
          field: 'Idempotency-Key',
          problems: [`Idempotency-Key must be 1 to ${KEY_MAX} characters, bare or as a quoted string ("..."), sent once`],
        },
      ]);
    }
    const scope = scopeOf(principal);
    const key = `${callerOf(principal)}\n${idempotencyKey}`;
    // Keyed (HMAC) under every master key this server has: a rotation between two attempts of one request
    // does not make them two requests.
    const described = `${request.method} ${request.url.split('?')[0]}\n${canonical(request.body ?? null)}`;
    const [fingerprint, ...formerFingerprints] = (await this.cipher.fingerprintKeys(scope)).map((key) =>
      createHmac('sha256', key).update(described).digest('hex'),
    ) as [string, ...string[]];
    const token = randomUUID();
    const asked = { scope, key, token, fingerprint, formerFingerprints, commandId: randomUUID(), owner: this.identity.current, lockMs: LOCK_MS, ttlMs: this.config.idempotencyTtlMs };
    let claimed = await this.store.claim({ ...asked, now: Date.now() });
    if (claimed.outcome === 'in_flight' && this.identity.isGone(claimed.owner)) {
      // Its process was killed mid-request: this retry carries the request on, under the same commandId.
      claimed = await this.store.claim({ ...asked, now: Date.now(), ownerGone: claimed.owner });
    }
    switch (claimed.outcome) {
      case 'mismatch':
        throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request');
      case 'in_flight':
        throw new DomainError('IDEMPOTENCY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed; retry shortly');
      case 'done':
        return { scope, key, token, commandId: '', retry: false, replay: { status: claimed.status, body: await this.cipher.openAnswer(scope, key, claimed.response) } };
      case 'claimed':
        // Another commandId than the one drawn for this attempt: an earlier attempt had the key.
        return { scope, key, token, commandId: claimed.commandId, retry: claimed.commandId !== asked.commandId, replay: null };
    }
  }

  private run(context: ExecutionContext, next: CallHandler, scope: string, key: string, token: string): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    return next.handle().pipe(
      mergeMap(async (body) => {
        await this.store.complete(scope, key, token, reply.statusCode, await this.cipher.sealAnswer(scope, key, body), ErasureSubject.ofAnswer(body));
        return body;
      }),
      catchError(async (error: unknown) => {
        if (error instanceof DomainError && error.code === 'CONSISTENCY_TIMEOUT') {
          // The change was recorded: a retry must not make it again. Its answer (with the new id) is replayed.
          const described = describeError(error);
          const body = errorBody(described, request.id);
          await this.store
            .complete(scope, key, token, described.status, await this.cipher.sealAnswer(scope, key, body), ErasureSubject.ofDetails(described.details))
            .catch(() => undefined);
        } else {
          await this.store.release(scope, key, token).catch(() => undefined);
        }
        throw error;
      }),
    );
  }
}

/**
 * On every POST route (DESIGN.md §7; a test checks that none lacks it). Only there: an interceptor puts the
 * request through RxJS, which a GET need not pay for.
 */
export const Idempotent = () => UseInterceptors(IdempotencyInterceptor);
