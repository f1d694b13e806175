import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { hashSecret, isWellFormedSecret } from '@onehazel/crypto';
import { DomainError } from '@onehazel/domain';
import { ApiKeyView, Collections, OperatorView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../infrastructure/tokens';
import { bearerToken, unauthorized } from './credentials';
import { LastUsedRecorder } from './last-used';
import type { AuthenticatedRequest, OperatorPrincipal } from './principal';
import { SessionVerifier } from './session-verifier';
import { RateLimitGuard } from '../http/rate-limit.guard';

const PREFIX = 'oh_live_';

/**
 * Authenticates operators on every request from the read model (no cache), which every command waits
 * for before answering: a revoked key, or any key or session of a suspended operator, is refused from the next
 * request on, by every API instance reading the same store.
 */
@Injectable()
export class OperatorAuthenticator {
  constructor(
    @Inject(READ_STORE) private readonly read: ReadStore,
    private readonly sessions: SessionVerifier,
    private readonly lastUsed: LastUsedRecorder,
  ) {}

  async authenticate(request: AuthenticatedRequest, allowSessions: boolean): Promise<OperatorPrincipal> {
    const token = bearerToken(request);
    if (!token) throw unauthorized();
    if (token.startsWith(PREFIX)) return this.byKey(token);
    if (allowSessions) return this.bySession(token);
    throw unauthorized();
  }

  private async byKey(token: string): Promise<OperatorPrincipal> {
    if (!isWellFormedSecret(PREFIX, token)) throw unauthorized();
    // One indexed point read: the key carries its operator's status and plan.
    const [key] = (await this.read.find(Collections.apiKeys, { where: { keyHash: hashSecret(token) }, limit: 1 })) as ApiKeyView[];
    if (!key || key.revoked) throw unauthorized();
    // A key projected before the operator's status was kept on keys: read the operator itself.
    const { status, plan } =
      key.operatorStatus && key.operatorPlan ? { status: key.operatorStatus, plan: key.operatorPlan } : await this.activeOperator(key.operatorId);
    if (status !== 'active') throw unauthorized();
    this.lastUsed.touch(key.id);
    const principal = { kind: 'operator', via: 'key', operatorId: key.operatorId, plan, keyId: key.id } as const;
    if (key.tier !== 'operator_child') return { ...principal, tier: key.tier };
    if (!key.agentId || !key.tokenId) throw new Error(`child key ${key.id} has no agent`);
    return { ...principal, tier: key.tier, agent: { agentId: key.agentId, tokenId: key.tokenId } };
  }

  private async bySession(token: string): Promise<OperatorPrincipal> {
    const session = await this.sessions.verify(token);
    if (!session) throw unauthorized();
    const { plan } = await this.activeOperator(session.operatorId);
    return { kind: 'operator', via: 'session', operatorId: session.operatorId, plan, subject: session.subject };
  }

  private async activeOperator(operatorId: string): Promise<OperatorView> {
    const operator = (await this.read.get(Collections.operators, operatorId)) as OperatorView | null;
    if (!operator || operator.status !== 'active') throw unauthorized();
    return operator;
  }
}

/** Refuses a child key (tier operator_child) where it may not go: key, token and settings management. */
export function refuseChildKeys(principal: OperatorPrincipal | undefined): void {
  if (principal?.via === 'key' && principal.tier === 'operator_child') {
    throw new DomainError('TIER_FORBIDDEN', 'A child key (tier operator_child) may use the operator data API only, not manage keys, tokens or settings');
  }
}

/** Authenticates an operator, with or without sessions, then applies the caller's rate limit. */
@Injectable()
abstract class OperatorGuard implements CanActivate {
  protected abstract readonly allowSessions: boolean;
  /** Whether child keys may pass (the data API), else 403 TIER_FORBIDDEN once authenticated and counted. */
  protected readonly allowChildKeys: boolean = true;

  constructor(
    private readonly authenticator: OperatorAuthenticator,
    private readonly rateLimit: RateLimitGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const allowed = await this.rateLimit.authenticateThenLimit(context, () => this.authenticator.authenticate(request, this.allowSessions));
    if (!this.allowChildKeys) refuseChildKeys(request.principal as OperatorPrincipal);
    return allowed;
  }
}

/** `Bearer oh_live_...` only; then the key's rate limit. */
@Injectable()
export class OperatorKeyGuard extends OperatorGuard {
  protected readonly allowSessions = false;
}

/**
 * `Bearer oh_live_...` or an operator session JWT (seed 002: "API key auth or JWT"); then the rate limit.
 * Key and token management: child keys are refused (403 TIER_FORBIDDEN).
 */
@Injectable()
export class OperatorKeyOrSessionGuard extends OperatorGuard {
  protected readonly allowSessions = true;
  protected override readonly allowChildKeys = false;
}

/** `Bearer oh_live_...` but not a child key (403 TIER_FORBIDDEN): an operator's settings. */
@Injectable()
export class OperatorOwnKeyGuard extends OperatorGuard {
  protected readonly allowSessions = false;
  protected override readonly allowChildKeys = false;
}
