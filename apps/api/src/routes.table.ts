/**
 * Every route of the API, in one table: what it is, who may call it, how it is guarded, limited and
 * replayed. The route test compares it with the routes the application registers (both ways: a route
 * missing here fails it, and so does a row with no route), the security spec walks it (every
 * authenticated route x every credential that must not reach it x every foreign tenant), and the OpenAPI
 * check and the README's route list are held to it. A new route cannot land without its row, and a row
 * cannot land without its security cells.
 */

/** Who the route serves, by the credential it takes (DESIGN.md §3). */
export type Audience =
  /** No credential: operations and documentation. */
  | 'public'
  /** `Bearer oh_platform_...`: a platform partner, over its own operators. */
  | 'platform'
  /** `Bearer oh_live_...`: an operator, over its own data. */
  | 'operator-key'
  /** `Bearer oh_live_...` or an operator session (JWT): seed 002's key management, seed 003's tokens. Not child keys (403). */
  | 'operator-key-or-session'
  /** `Bearer oh_op_...`: an operator token, which only mints child keys (seed 003). */
  | 'operator-token';

/** The Nest guard that authenticates the route (and applies its rate limit), by class name. */
export type GuardName = 'PlatformAuthGuard' | 'OperatorKeyGuard' | 'OperatorOwnKeyGuard' | 'OperatorKeyOrSessionGuard' | 'OperatorTokenGuard' | null;

/**
 * - `credential`: counted per key (per session for JWT callers) at the caller's plan's limit; a refused
 *   credential is counted against the client address.
 * - `none`: not limited (liveness, readiness, metrics and the documents must answer under load).
 */
export type RateLimitClass = 'credential' | 'none';

/** Where a route's tenant comes from, for the cross-tenant cells of the security spec. */
export type TenantScope =
  /** No tenant data. */
  | 'none'
  /** A path parameter names the tenant's resource (`:id` an operator, `:externalId` an entity, `:keyId`): foreign ones are 404. */
  | 'path'
  /** The caller's own data only (a list, or a body naming the caller's own resources): a foreign caller sees or changes none of it. */
  | 'caller';

export type RouteRow = Readonly<{
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The route's pattern as the router has it (`:param` for one segment). */
  path: string;
  audience: Audience;
  guard: GuardName;
  rateLimit: RateLimitClass;
  /** Whether an Idempotency-Key replays it (every POST: DESIGN.md §7). */
  idempotent: boolean;
  tenant: TenantScope;
  /** Where it is documented: the seed it implements, or this product's own addition. */
  contract: 'seed 000' | 'seed 001' | 'seed 002' | 'seed 003' | 'operations' | 'product';
  summary: string;
}>;

const platform = { audience: 'platform', guard: 'PlatformAuthGuard', rateLimit: 'credential' } as const;
const operatorKey = { audience: 'operator-key', guard: 'OperatorKeyGuard', rateLimit: 'credential' } as const;
const keyOrSession = { audience: 'operator-key-or-session', guard: 'OperatorKeyOrSessionGuard', rateLimit: 'credential' } as const;
const ownKey = { audience: 'operator-key', guard: 'OperatorOwnKeyGuard', rateLimit: 'credential' } as const;
const operatorToken = { audience: 'operator-token', guard: 'OperatorTokenGuard', rateLimit: 'credential' } as const;
const open = { audience: 'public', guard: null, rateLimit: 'none', idempotent: false, tenant: 'none', contract: 'operations' } as const;

export const ROUTES: readonly RouteRow[] = [
  // Platform API (seed 000): a platform partner's operators and their keys.
  { method: 'POST', path: '/platform-api/operators', ...platform, idempotent: true, tenant: 'caller', contract: 'seed 000', summary: 'Create an operator' },
  { method: 'GET', path: '/platform-api/operators', ...platform, idempotent: false, tenant: 'caller', contract: 'seed 000', summary: 'List operators' },
  { method: 'GET', path: '/platform-api/operators/:id', ...platform, idempotent: false, tenant: 'path', contract: 'seed 000', summary: 'Get an operator' },
  { method: 'PUT', path: '/platform-api/operators/:id', ...platform, idempotent: false, tenant: 'path', contract: 'seed 000', summary: 'Update an operator' },
  { method: 'DELETE', path: '/platform-api/operators/:id', ...platform, idempotent: false, tenant: 'path', contract: 'seed 000', summary: 'Suspend an operator' },
  { method: 'GET', path: '/platform-api/operators/:id/history', ...platform, idempotent: false, tenant: 'path', contract: 'product', summary: "An operator's audit history" },
  { method: 'POST', path: '/platform-api/operators/:id/api-keys', ...platform, idempotent: true, tenant: 'path', contract: 'seed 000', summary: 'Create a key for an operator' },
  { method: 'GET', path: '/platform-api/operators/:id/api-keys', ...platform, idempotent: false, tenant: 'path', contract: 'seed 000', summary: "An operator's keys, masked" },
  { method: 'DELETE', path: '/platform-api/operators/:id/api-keys/:keyId', ...platform, idempotent: false, tenant: 'path', contract: 'seed 000', summary: "Revoke an operator's key" },

  // API keys (seed 002): an operator manages its own keys, with a key or a session.
  { method: 'POST', path: '/api-keys', ...keyOrSession, idempotent: true, tenant: 'caller', contract: 'seed 002', summary: 'Create a key' },
  { method: 'GET', path: '/api-keys', ...keyOrSession, idempotent: false, tenant: 'caller', contract: 'seed 002', summary: 'List your keys' },
  { method: 'PATCH', path: '/api-keys', ...keyOrSession, idempotent: false, tenant: 'caller', contract: 'seed 002', summary: 'Rename a key' },
  { method: 'DELETE', path: '/api-keys', ...keyOrSession, idempotent: false, tenant: 'caller', contract: 'seed 002', summary: 'Revoke or delete a key' },
  { method: 'GET', path: '/api-keys/:id/history', ...keyOrSession, idempotent: false, tenant: 'path', contract: 'product', summary: "A key's audit history" },

  // Operator tokens (seed 003): master tokens, and the child keys fleet daemons mint with them.
  { method: 'GET', path: '/api/v1/operator-tokens', ...keyOrSession, idempotent: false, tenant: 'caller', contract: 'seed 003', summary: 'List your active operator tokens' },
  { method: 'POST', path: '/api/v1/operator-tokens', ...keyOrSession, idempotent: true, tenant: 'caller', contract: 'seed 003', summary: 'Mint an operator token' },
  { method: 'POST', path: '/api/v1/operator-tokens/mint-child', ...operatorToken, idempotent: true, tenant: 'caller', contract: 'seed 003', summary: 'Mint a child key (by the token)' },
  { method: 'GET', path: '/api/v1/operator-tokens/:id', ...keyOrSession, idempotent: false, tenant: 'path', contract: 'product', summary: 'An operator token, its usage and children' },
  { method: 'GET', path: '/api/v1/operator-tokens/:id/history', ...keyOrSession, idempotent: false, tenant: 'path', contract: 'product', summary: "An operator token's audit history" },
  { method: 'DELETE', path: '/api/v1/operator-tokens/:id', ...keyOrSession, idempotent: false, tenant: 'path', contract: 'product', summary: 'Revoke an operator token (?cascade=true)' },

  // Operator data API (seed 001): templates, entities with encrypted personal data, activity.
  { method: 'PUT', path: '/operator-data-api/settings', ...ownKey, idempotent: false, tenant: 'caller', contract: 'seed 001', summary: 'Choose or supply a template' },
  { method: 'GET', path: '/operator-data-api/settings', ...operatorKey, idempotent: false, tenant: 'caller', contract: 'seed 001', summary: 'Your template' },
  { method: 'POST', path: '/operator-data-api/entities', ...operatorKey, idempotent: true, tenant: 'caller', contract: 'seed 001', summary: 'Create or update an entity' },
  { method: 'GET', path: '/operator-data-api/entities', ...operatorKey, idempotent: false, tenant: 'caller', contract: 'seed 001', summary: 'List entities' },
  { method: 'GET', path: '/operator-data-api/entities/:externalId', ...operatorKey, idempotent: false, tenant: 'path', contract: 'seed 001', summary: 'Get an entity' },
  { method: 'GET', path: '/operator-data-api/entities/:externalId/history', ...operatorKey, idempotent: false, tenant: 'path', contract: 'product', summary: "An entity's audit history" },
  { method: 'DELETE', path: '/operator-data-api/entities/:externalId', ...operatorKey, idempotent: false, tenant: 'path', contract: 'seed 001', summary: 'Erase an entity (GDPR)' },
  { method: 'POST', path: '/operator-data-api/events', ...operatorKey, idempotent: true, tenant: 'caller', contract: 'seed 001', summary: 'Record an activity event' },
  { method: 'GET', path: '/operator-data-api/entities/:externalId/events', ...operatorKey, idempotent: false, tenant: 'path', contract: 'seed 001', summary: "An entity's events" },
  { method: 'GET', path: '/operator-data-api/entities/:externalId/state', ...operatorKey, idempotent: false, tenant: 'path', contract: 'seed 001', summary: "An entity's state" },

  // Operations.
  { method: 'GET', path: '/health', ...open, summary: 'Liveness' },
  { method: 'GET', path: '/ready', ...open, summary: 'Readiness: stores reachable, projection lag' },
  { method: 'GET', path: '/metrics', ...open, summary: 'Prometheus metrics' },
];

/** Served by the OpenAPI module rather than a controller: public, never limited. */
export const DOCUMENT_ROUTES: readonly Pick<RouteRow, 'method' | 'path' | 'summary'>[] = [
  { method: 'GET', path: '/openapi.json', summary: 'The OpenAPI document' },
  { method: 'GET', path: '/docs', summary: 'The browsable API reference' },
];
