import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { hashSecret, isWellFormedSecret } from '@onehazel/crypto';
import { DomainError } from '@onehazel/domain';
import { Collections, OperatorTokenView, OperatorView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import { RateLimitGuard } from '../http/rate-limit.guard';
import { READ_STORE } from '../infrastructure/tokens';
import { bearerToken } from './credentials';
import type { AuthenticatedRequest, OperatorPrincipal } from './principal';

const PREFIX = 'oh_op_';

/**
 * Authenticates an operator token (`Bearer oh_op_...`, seed 003) from the read model on every request,
 * which every command waits for: a revoked token, or any token of a suspended operator, is refused from
 * the next request on. Seed 003 answers each refusal with its own code; a token is the only credential
 * its route takes, so an `oh_live_` key is not one (INVALID_OPERATOR_TOKEN_FORMAT).
 */
@Injectable()
export class OperatorTokenAuthenticator {
  constructor(@Inject(READ_STORE) private readonly read: ReadStore) {}

  async authenticate(request: AuthenticatedRequest): Promise<OperatorPrincipal> {
    const secret = bearerToken(request);
    if (!secret) {
      const sent = typeof request.headers.authorization === 'string' && request.headers.authorization.trim() !== '' && !/^Bearer\s*$/i.test(request.headers.authorization.trim());
      if (sent) throw new DomainError('INVALID_OPERATOR_TOKEN_FORMAT', 'The Authorization header must be: Bearer oh_op_...');
      throw new DomainError('MISSING_OPERATOR_TOKEN', 'An operator token is required: Authorization: Bearer oh_op_...');
    }
    if (!isWellFormedSecret(PREFIX, secret)) {
      throw new DomainError('INVALID_OPERATOR_TOKEN_FORMAT', 'The bearer is not an operator token (oh_op_ and 64 hex characters); API keys cannot mint child keys');
    }
    // One indexed point read by hash, then the operator by id.
    const [token] = (await this.read.find(Collections.operatorTokens, { where: { tokenHash: hashSecret(secret) }, limit: 1 })) as OperatorTokenView[];
    if (!token) throw new DomainError('OPERATOR_TOKEN_NOT_FOUND', 'No operator token has this secret');
    if (token.revoked) throw new DomainError('OPERATOR_TOKEN_REVOKED', 'This operator token was revoked');
    const operator = (await this.read.get(Collections.operators, token.operatorId)) as OperatorView | null;
    if (!operator || operator.status !== 'active') {
      throw new DomainError('OPERATOR_SUSPENDED', "This operator token's operator is suspended; it works again once the operator is reactivated");
    }
    return { kind: 'operator', via: 'operator-token', operatorId: token.operatorId, plan: operator.plan, tokenId: token.id };
  }
}

/** `Bearer oh_op_...` only (seed 003's mint-child); then the token's rate limit, at its operator's plan. */
@Injectable()
export class OperatorTokenGuard implements CanActivate {
  constructor(
    private readonly authenticator: OperatorTokenAuthenticator,
    private readonly rateLimit: RateLimitGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    return this.rateLimit.authenticateThenLimit(context, () => this.authenticator.authenticate(request));
  }
}
