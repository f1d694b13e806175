import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { DomainError } from '@onehazel/domain';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/principal';
import { ERROR_STATUS } from './error-status';
import { SubmissionQuota } from '../operator-tokens/submission-quota';

/**
 * Counts a write of the operator data API made with a child key as one submission of its operator
 * token's quota (seed 003), before the request does any work; 429 QUOTA_EXCEEDED with Retry-After to
 * the reset past either limit. It runs inside the Idempotency-Key interceptor, so a replayed answer is
 * not counted, and before validation: a request refused as invalid or about nothing is given back
 * (`refusedUnchanged`). A retry of one request (same Idempotency-Key claim) is counted once.
 */
/**
 * Whether a failed request surely changed nothing, so that its submission is given back: refused as
 * invalid (400) or about nothing (404), before any command appended. Every other failure stays counted,
 * so the count never falls below what was written: a 503 CONSISTENCY_TIMEOUT was recorded, and a 409 or
 * a 500 may have come after an append (an erasure whose last step failed). A refund that itself fails
 * leaves the count too.
 */
function refusedUnchanged(failure: unknown): boolean {
  if (!(failure instanceof DomainError)) return false;
  const status = ERROR_STATUS[failure.code];
  return status === 400 || status === 404;
}

@Injectable()
export class SubmissionQuotaInterceptor implements NestInterceptor {
  constructor(private readonly quota: SubmissionQuota) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = request.principal;
    if (principal?.kind !== 'operator' || principal.via !== 'key' || principal.tier !== 'operator_child') return next.handle();
    const subject = { keyId: principal.keyId, tokenId: principal.agent.tokenId };
    const id = request.commandId ?? randomUUID();
    const counting = this.quota.count(subject, id, request.receivedAt ?? Date.now()).catch((refused: unknown) => {
      if (refused instanceof DomainError && refused.code === 'QUOTA_EXCEEDED') {
        const { retry_after_seconds: retryAfter } = refused.details as { retry_after_seconds: number };
        void context.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(retryAfter));
      }
      throw refused;
    });
    return from(counting).pipe(
      mergeMap((counted) =>
        next.handle().pipe(
          catchError((failure: unknown) => {
            const refund = refusedUnchanged(failure) ? this.quota.refund(counted).catch(() => undefined) : Promise.resolve();
            return from(refund).pipe(mergeMap(() => throwError(() => failure)));
          }),
        ),
      ),
    );
  }
}

/**
 * A write that counts as a submission when a child key makes it. Put it above `@Idempotent()`:
 * decorators apply bottom-up and the first interceptor registered runs outermost, so the Idempotency-Key
 * interceptor answers a replay before this one counts anything.
 */
export const CountsAsSubmission = () => UseInterceptors(SubmissionQuotaInterceptor);
