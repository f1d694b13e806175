import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { hashSecret, isWellFormedSecret } from '@onehazel/crypto';
import { Collections, PlatformKeyView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../infrastructure/tokens';
import { bearerToken, unauthorized } from './credentials';
import type { AuthenticatedRequest, PlatformPrincipal } from './principal';
import { RateLimitGuard } from '../http/rate-limit.guard';

const PREFIX = 'oh_platform_';

/**
 * `Bearer oh_platform_...`: the checksum is verified before any lookup, then the key's SHA-256 is looked
 * up in the read model, which the command that issued or revoked it waited for.
 */
@Injectable()
export class PlatformAuthGuard implements CanActivate {
  constructor(
    @Inject(READ_STORE) private readonly read: ReadStore,
    private readonly rateLimit: RateLimitGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    return this.rateLimit.authenticateThenLimit(context, () => this.authenticate(request));
  }

  private async authenticate(request: AuthenticatedRequest): Promise<PlatformPrincipal> {
    const token = bearerToken(request);
    if (!token || !isWellFormedSecret(PREFIX, token)) throw unauthorized();
    const key = (await this.read.get(Collections.platformKeys, hashSecret(token))) as PlatformKeyView | null;
    if (!key || key.revoked) throw unauthorized();
    return { kind: 'platform', platformId: key.platformId, keyId: key.keyId };
  }
}
