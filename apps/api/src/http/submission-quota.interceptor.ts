import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { DomainError } from '@onehazel/domain';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/principal';
import { SubmissionQuota } from '../operator-tokens/submission-quota';

/**
 * Counts a write of the operator data API made with a child key as one submission of its operator
 * token's quota (seed 003), before the request does any work; 429 QUOTA_EXCEEDED with Retry-After to
 * the reset past either limit. It runs inside the Idempotency-Key interceptor, so a replayed answer is
 * not counted, and before validation: a request that fails (validation, a missing entity) is given
 * back. One that timed out waiting for the read model (503 CONSISTENCY_TIMEOUT) was recorded, and stays
 * counted. A retry of one request (same Idempotency-Key claim) is counted once.
 */
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
            const recorded = failure instanceof DomainError && failure.code === 'CONSISTENCY_TIMEOUT';
            return from(recorded ? Promise.resolve() : this.quota.refund(counted)).pipe(mergeMap(() => throwError(() => failure)));
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
