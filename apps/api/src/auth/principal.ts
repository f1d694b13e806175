import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Actor, ChildKeyTier, CommandContext, KeyTier, OperatorPlan } from '@onehazel/domain';
import type { FastifyRequest } from 'fastify';

export type PlatformPrincipal = Readonly<{ kind: 'platform'; platformId: string; keyId: string }>;
/** A child key's daemon: the agent it acts as, and the operator token that minted it. */
export type AgentIdentity = Readonly<{ agentId: string; tokenId: string }>;

/**
 * An operator, by one of its API keys (a child key names its agent), by a session (JWT), or by one of its
 * operator tokens (which only mints child keys).
 */
export type OperatorPrincipal = Readonly<
  | { kind: 'operator'; via: 'key'; operatorId: string; plan: OperatorPlan; keyId: string; tier: KeyTier }
  | { kind: 'operator'; via: 'key'; operatorId: string; plan: OperatorPlan; keyId: string; tier: ChildKeyTier; agent: AgentIdentity }
  | { kind: 'operator'; via: 'session'; operatorId: string; plan: OperatorPlan; subject: string }
  | { kind: 'operator'; via: 'operator-token'; operatorId: string; plan: OperatorPlan; tokenId: string }
>;
/** A principal by one of the operator's keys, child keys included. */
export type OperatorKeyPrincipal = Extract<OperatorPrincipal, { via: 'key' }>;
export type Principal = PlatformPrincipal | OperatorPrincipal;

/** `commandId`: set by the idempotency interceptor for a request with an Idempotency-Key (see CommandContext). */
/** `receivedAt`: the runtime clock's reading when the request arrived (epoch ms). */
export type AuthenticatedRequest = FastifyRequest & { principal?: Principal; commandId?: string; commandRetry?: boolean; receivedAt?: number };

/** The authenticated caller, set by a guard. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('route has no authentication guard');
  return principal;
});

function actorOf(principal: Principal): Actor {
  if (principal.kind === 'platform') return { kind: 'platform', id: principal.platformId };
  switch (principal.via) {
    case 'key':
      // A daemon acts as its own agent: every event its key causes names the agent, the key and the token.
      return principal.tier === 'operator_child'
        ? { kind: 'agent', id: principal.agent.agentId, keyId: principal.keyId, tokenId: principal.agent.tokenId }
        : { kind: 'key', id: principal.keyId };
    case 'session':
      return { kind: 'session', id: `${principal.operatorId}:${principal.subject}` };
    case 'operator-token':
      return { kind: 'operator-token', id: principal.tokenId };
  }
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
    at: new Date(request.receivedAt ?? Date.now()).toISOString(),
    ...(request.commandId ? { commandId: request.commandId, retry: request.commandRetry === true } : {}),
  };
});
