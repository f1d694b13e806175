import { CallHandler, ExecutionContext, HttpException, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { DomainError } from '@onehazel/domain';
import type { FastifyRequest } from 'fastify';
import { catchError, Observable, throwError } from 'rxjs';

type MessageOf = string | ((request: FastifyRequest) => string);

class FailureMessageInterceptor implements NestInterceptor {
  constructor(private readonly message: MessageOf) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (error instanceof DomainError || error instanceof HttpException) return throwError(() => error);
        const message =
          typeof this.message === 'string' ? this.message : this.message(context.switchToHttp().getRequest<FastifyRequest>());
        const failure = new DomainError('INTERNAL_ERROR', message);
        (failure as { cause?: unknown }).cause = error;
        return throwError(() => failure);
      }),
    );
  }
}

/**
 * The route's message for an unexpected failure (seed 002: "Failed to create key", ...): the answer is
 * 500 INTERNAL_ERROR with this message; the underlying error is logged, never sent.
 */
export const FailureMessage = (message: MessageOf) => UseInterceptors(new FailureMessageInterceptor(message));
