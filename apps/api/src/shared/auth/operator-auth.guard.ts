import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { hashSecret, isWellFormedSecret } from '@onehazel/crypto';
import { ApiKeyView, Collections, OperatorView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../../infrastructure/tokens';
import { bearerToken, unauthorized } from './credentials';
import { LastUsedRecorder } from './last-used';
import type { AuthenticatedRequest, OperatorPrincipal } from './principal';
import { SessionVerifier } from './session-verifier';

const PREFIX = 'oh_live_';

/**
 * Authenticates operators on every request from the read model, which every command waits for before
 * answering: a revoked key, or any key or session of a suspended operator, is refused from the next
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
    const [key] = (await this.read.find(Collections.apiKeys, { where: { keyHash: hashSecret(token) }, limit: 1 })) as ApiKeyView[];
    if (!key || key.revoked) throw unauthorized();
    await this.activeOperator(key.operatorId);
    this.lastUsed.touch(key.id);
    return { kind: 'operator', via: 'key', operatorId: key.operatorId, keyId: key.id, tier: key.tier };
  }

  private async bySession(token: string): Promise<OperatorPrincipal> {
    const session = await this.sessions.verify(token);
    if (!session) throw unauthorized();
    await this.activeOperator(session.operatorId);
    return { kind: 'operator', via: 'session', operatorId: session.operatorId, subject: session.subject };
  }

  private async activeOperator(operatorId: string): Promise<void> {
    const operator = (await this.read.get(Collections.operators, operatorId)) as OperatorView | null;
    if (!operator || operator.status !== 'active') throw unauthorized();
  }
}

/** `Bearer oh_live_...` only. */
@Injectable()
export class OperatorKeyGuard implements CanActivate {
  constructor(private readonly authenticator: OperatorAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.principal = await this.authenticator.authenticate(request, false);
    return true;
  }
}

/** `Bearer oh_live_...` or an operator session JWT (seed 002: "API key auth or JWT"). */
@Injectable()
export class OperatorKeyOrSessionGuard implements CanActivate {
  constructor(private readonly authenticator: OperatorAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.principal = await this.authenticator.authenticate(request, true);
    return true;
  }
}
