import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Actor, ChildKeyTier, CommandContext, KeyTier, OperatorPlan } from '@onehazel/domain';
import type { FastifyRequest } from 'fastify';

export type PlatformPrincipal = Readonly<{ kind: 'platform'; platformId: string; keyId: string }>;
/** An operator, by one of its API keys or by a session (JWT). */
export type OperatorPrincipal = Readonly<
  | { kind: 'operator'; via: 'key'; operatorId: string; plan: OperatorPlan; keyId: string; tier: KeyTier | ChildKeyTier }
  | { kind: 'operator'; via: 'session'; operatorId: string; plan: OperatorPlan; subject: string }
>;
export type Principal = PlatformPrincipal | OperatorPrincipal;

/** `commandId`: set by the idempotency interceptor for a request with an Idempotency-Key (see CommandContext). */
export type AuthenticatedRequest = FastifyRequest & { principal?: Principal; commandId?: string; commandRetry?: boolean };

/** The authenticated caller, set by a guard. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('route has no authentication guard');
  return principal;
});

function actorOf(principal: Principal): Actor {
  if (principal.kind === 'platform') return { kind: 'platform', id: principal.platformId };
  if (principal.via === 'key') return { kind: 'key', id: principal.keyId };
  return { kind: 'session', id: `${principal.operatorId}:${principal.subject}` };
}

/** Who, when and which request: the metadata every event of this request carries. */
export const RequestContext = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new Error('route has no authentication guard');
  const correlation = request.headers['x-correlation-id'];
  return {
    actor: actorOf(request.principal),
    requestId: request.id,
    correlationId: typeof correlation === 'string' && /^[\w.:-]{1,128}$/.test(correlation) ? correlation : request.id,
    causationId: request.id,
    at: new Date().toISOString(),
    ...(request.commandId ? { commandId: request.commandId, retry: request.commandRetry === true } : {}),
  };
});
