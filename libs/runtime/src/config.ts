import { resolve } from 'node:path';

export type ProjectorMode = 'embedded' | 'external';

/** Everything the processes read from the environment (the README's configuration table). */
export type Config = Readonly<{
  dataDir: string;
  host: string;
  port: number;
  eventStoreUrl: string | null;
  mongoUrl: string | null;
  mongoDatabase: string;
  projectorMode: ProjectorMode;
  consistencyTimeoutMs: number;
  bodyLimitBytes: number;
  logLevel: string;
  pollIntervalMs: number;
  jwt: JwtConfig;
  lastUsedIntervalMs: number;
  /** Base64 of 32 bytes; required with a production backend, else kept in DATA_DIR/master.key. */
  masterKey: string | null;
  /** Earlier master keys (base64, comma-separated in MASTER_KEYS_PREVIOUS), still able to unwrap. */
  previousMasterKeys: readonly string[];
  keyCacheTtlMs: number;
  rateLimits: RateLimits;
  idempotencyTtlMs: number;
  /**
   * Fastify's `trustProxy` (TRUST_PROXY): false (default) ignores X-Forwarded-For; true trusts every hop;
   * a number trusts that many hops; otherwise a comma-separated list of proxy addresses, CIDRs or
   * proxy-addr's names (loopback, linklocal, uniquelocal).
   */
  trustProxy: boolean | number | string;
  operatorTokens: OperatorTokenLimits;
  /** EventStoreDB's MaxAppendSize (EVENTSTORE_MAX_APPEND_BYTES): a larger append is answered 413 before it is sent. */
  eventStoreMaxAppendBytes: number;
  /** A projector process's lease on the log (PROJECTOR_LEASE_TTL_MS): a standby takes over this long after its owner died. */
  projectorLeaseTtlMs: number;
  /** How long /ready waits for each store before it calls it unreachable (READY_TIMEOUT_MS). */
  readyTimeoutMs: number;
  /** /ready answers 503 once a projection's oldest unprojected event has waited longer than this (READY_MAX_LAG_SECONDS). */
  readyMaxLagSeconds: number;
  /** On SIGTERM, how long requests in flight may take to finish before the process exits without them (SHUTDOWN_GRACE_MS). */
  shutdownGraceMs: number;
}>;

/** Seed 003's caps (OPERATOR_TOKENS_MAX, OPERATOR_TOKEN_CHILDREN_MAX): live tokens per operator, live child keys per token. */
export type OperatorTokenLimits = Readonly<{ maxTokens: number; maxChildren: number }>;

/** Requests per window per key: by the operator's plan, and for platform keys. */
export type RateLimits = Readonly<{
  windowMs: number;
  starter: number;
  professional: number;
  enterprise: number;
  platform: number;
  /** Requests without a valid credential, per client address. */
  anonymous: number;
}>;

/** Operator sessions: HS256 with a shared secret, or RS256/ES256 keys from a JWKS URL (or both). */
export type JwtConfig = Readonly<{
  secret: string | null;
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
  /** Dotted paths of the claim naming the operator, tried in order. */
  operatorClaims: readonly string[];
}>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === null) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env): Config {
  const eventStoreUrl = text(env, 'EVENTSTORE_URL');
  const mongoUrl = text(env, 'MONGODB_URL');
  const production = eventStoreUrl !== null || mongoUrl !== null;
  if (production && text(env, 'MASTER_KEY') === null) {
    throw new ConfigError('MASTER_KEY is required with EVENTSTORE_URL or MONGODB_URL (32 random bytes, base64: `openssl rand -base64 32`)');
  }
  return {
    dataDir: resolve(text(env, 'DATA_DIR') ?? './data'),
    host: text(env, 'HOST') ?? '127.0.0.1',
    port: integer(env, 'PORT', 3000, 0, 65535),
    eventStoreUrl,
    mongoUrl,
    mongoDatabase: text(env, 'MONGODB_DATABASE') ?? 'onehazel',
    projectorMode: oneOf(env, 'PROJECTOR', ['embedded', 'external'], production ? 'external' : 'embedded'),
    consistencyTimeoutMs: integer(env, 'CONSISTENCY_TIMEOUT_MS', 5000, 1, 600_000),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    pollIntervalMs: integer(env, 'SQLITE_POLL_INTERVAL_MS', 50, 1, 60_000),
    jwt: loadJwt(env),
    lastUsedIntervalMs: integer(env, 'LAST_USED_INTERVAL_MS', 60_000, 0, 86_400_000),
    masterKey: text(env, 'MASTER_KEY'),
    previousMasterKeys: (text(env, 'MASTER_KEYS_PREVIOUS') ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    keyCacheTtlMs: integer(env, 'KEY_CACHE_TTL_MS', 30_000, 0, 3_600_000),
    rateLimits: {
      windowMs: integer(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1000, 3_600_000),
      starter: integer(env, 'RATE_LIMIT_STARTER', 120, 1, 1_000_000),
      professional: integer(env, 'RATE_LIMIT_PROFESSIONAL', 600, 1, 1_000_000),
      enterprise: integer(env, 'RATE_LIMIT_ENTERPRISE', 3000, 1, 1_000_000),
      platform: integer(env, 'RATE_LIMIT_PLATFORM', 600, 1, 1_000_000),
      anonymous: integer(env, 'RATE_LIMIT_ANONYMOUS', 300, 1, 1_000_000),
    },
    idempotencyTtlMs: integer(env, 'IDEMPOTENCY_TTL_MS', 86_400_000, 1000, 7 * 86_400_000),
    readyTimeoutMs: integer(env, 'READY_TIMEOUT_MS', 2000, 10, 60_000),
    readyMaxLagSeconds: integer(env, 'READY_MAX_LAG_SECONDS', 30, 1, 86_400),
    projectorLeaseTtlMs: integer(env, 'PROJECTOR_LEASE_TTL_MS', 6000, 300, 600_000),
    eventStoreMaxAppendBytes: integer(env, 'EVENTSTORE_MAX_APPEND_BYTES', 1_048_576, 1024, 1_073_741_824),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 100, 600_000),
    operatorTokens: {
      // At most 100: listing an operator's tokens is one page.
      maxTokens: integer(env, 'OPERATOR_TOKENS_MAX', 10, 1, 100),
      maxChildren: integer(env, 'OPERATOR_TOKEN_CHILDREN_MAX', 1000, 1, 10_000),
    },
    trustProxy: loadTrustProxy(env),
  };
}

function loadTrustProxy(env: Env): boolean | number | string {
  const raw = text(env, 'TRUST_PROXY');
  if (raw === null || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^[0-9]{1,2}$/.test(raw)) return Number(raw);
  // proxy-addr's forms, as Fastify reads them: addresses, CIDRs and its names for address ranges.
  const entry = /^(?:[0-9a-fA-F.:]+(?:\/[0-9]{1,3})?|loopback|linklocal|uniquelocal)$/;
  if (!raw.split(',').every((part) => entry.test(part.trim()))) {
    throw new ConfigError(`TRUST_PROXY must be true, false, a hop count or a comma-separated list of proxy addresses, CIDRs, loopback, linklocal or uniquelocal, got "${raw}"`);
  }
  return raw;
}

function loadJwt(env: Env): JwtConfig {
  const secret = text(env, 'JWT_SECRET');
  if (secret !== null && Buffer.byteLength(secret, 'utf8') < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 bytes (HS256 needs a key as long as its hash)');
  }
  const jwksUrl = text(env, 'JWT_JWKS_URL');
  if (jwksUrl !== null) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new ConfigError('JWT_JWKS_URL must be a URL');
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw new ConfigError('JWT_JWKS_URL must be an https URL (plain http only on loopback)');
    }
  }
  const issuer = text(env, 'JWT_ISSUER');
  const audience = text(env, 'JWT_AUDIENCE');
  // A JWKS is usually an identity provider's, shared with other applications: its tokens for them must
  // not open this API.
  if (jwksUrl !== null && (issuer === null || audience === null)) {
    throw new ConfigError('JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE, so that only tokens meant for this API are accepted');
  }
  const claim = text(env, 'JWT_OPERATOR_CLAIM');
  return {
    secret,
    jwksUrl,
    issuer,
    audience,
    operatorClaims: claim ? [claim] : ['operator_id', 'app_metadata.operator_id'],
  };
}
