import { createRemoteJWKSet, decodeProtectedHeader, JWTPayload, jwtVerify, JWTVerifyGetKey } from 'jose';
import type { JwtConfig } from '@onehazel/runtime';

const ASYMMETRIC = ['RS256', 'ES256'];

/**
 * Verifies operator session tokens (JWT): HS256 with JWT_SECRET, RS256/ES256 with the keys of
 * JWT_JWKS_URL (fetched and cached by jose; issuer and audience then required by the configuration),
 * an expiry always, issuer and audience when configured. Each key type accepts only its algorithms,
 * so an HMAC token signed with a public key is refused. Answers the operator
 * id the token names, or null for any token that does not verify: expired, wrongly signed, wrong
 * issuer or audience, no operator claim.
 */
export class SessionVerifier {
  private readonly secret: Uint8Array | null;
  private readonly jwks: JWTVerifyGetKey | null;

  constructor(private readonly config: JwtConfig) {
    this.secret = config.secret ? new TextEncoder().encode(config.secret) : null;
    this.jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : null;
  }

  get enabled(): boolean {
    return this.secret !== null || this.jwks !== null;
  }

  async verify(token: string): Promise<{ operatorId: string; subject: string } | null> {
    if (!this.enabled || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return null;
    try {
      const { alg } = decodeProtectedHeader(token);
      const options = {
        issuer: this.config.issuer ?? undefined,
        audience: this.config.audience ?? undefined,
        // A token that never expires is refused: jose checks exp only when it is there.
        requiredClaims: ['exp'],
      };
      let payload: JWTPayload;
      if (alg === 'HS256' && this.secret) {
        ({ payload } = await jwtVerify(token, this.secret, { ...options, algorithms: ['HS256'] }));
      } else if (alg && ASYMMETRIC.includes(alg) && this.jwks) {
        ({ payload } = await jwtVerify(token, this.jwks, { ...options, algorithms: ASYMMETRIC }));
      } else {
        return null;
      }
      const operatorId = this.config.operatorClaims.map((path) => claim(payload, path)).find((v) => typeof v === 'string');
      if (typeof operatorId !== 'string') return null;
      return { operatorId, subject: typeof payload.sub === 'string' ? payload.sub : 'unknown' };
    } catch {
      return null;
    }
  }
}

function claim(payload: JWTPayload, path: string): unknown {
  return path.split('.').reduce<unknown>((value, part) => {
    if (typeof value !== 'object' || value === null) return undefined;
    return (value as Record<string, unknown>)[part];
  }, payload);
}
