import { SignJWT } from 'jose';
import { generateSecret } from '@onehazel/crypto';
import { ROUTES, RouteRow } from '../src/routes.table';
import { call, igamingOperator, Reply, startTestApp, TestApp } from './harness';

const SECRET = 'routes-table-secret-of-at-least-32-bytes!';

const session = (operatorId: string) =>
  new SignJWT({ operator_id: operatorId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('security-table')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));

const player = (externalId: string, first_name: string) => ({
  entityType: 'player',
  externalId,
  data: { first_name, last_name: 'Owner', email: `${externalId}@example.com`, country: 'GB', currency: 'GBP' },
});

type Tenant = {
  platformKey: string;
  operatorId: string;
  key: string;
  keyId: string;
  spareKeyId: string;
  session: string;
  /** An operator token of the tenant's, and a child key minted with it. */
  token: string;
  tokenId: string;
  childKey: string;
};

/** One request of a route, aimed at tenant A's resources. */
type Cell = { path: string; body?: unknown };

/**
 * What a caller of another tenant (B, of the route's own audience) gets on A's resources:
 * - a status and code: refused, as for a resource that does not exist;
 * - `ownOnly`: served, but on B's own data (checked afterwards: A is unchanged, B's lists hold none of A's).
 */
type Foreign = { status: number; code: string } | 'ownOnly';

/**
 * Every authenticated route of the table x every credential that must not reach it (401, alike), and
 * x a caller of another tenant (404 as for nothing, or only its own data), after which tenant A's data
 * is exactly as before. The cells are keyed by the table's rows: a row without its cells fails here.
 */
describe('Security, walked from the routes table', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let suspendedKey: string;
  let revokedOperatorKey: string;
  let revokedPlatformKey: string;
  let suspendedToken: string;
  let suspendedChildKey: string;
  let revokedToken: string;
  let revokedChildKey: string;

  const tenant = async (): Promise<Tenant> => {
    const operator = await igamingOperator(t);
    const spare = await call(t.url, 'POST', `/platform-api/operators/${operator.operatorId}/api-keys`, { key: operator.platformKey, body: { label: 'spare' } });
    const { token, tokenId, childKey } = await tokenAndChild(operator.key);
    return { ...operator, spareKeyId: spare.body.data.id, session: await session(operator.operatorId), token, tokenId, childKey };
  };

  const tokenAndChild = async (key: string) => {
    const minted = await call(t.url, 'POST', '/api/v1/operator-tokens', { key, body: { label: 'fleet' } });
    expect(minted.status).toBe(201);
    const child = await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: minted.body.data.operator_token, body: {} });
    expect(child.status).toBe(201);
    return { token: minted.body.data.operator_token as string, tokenId: minted.body.data.id as string, childKey: child.body.data.api_key as string, childKeyId: child.body.data.key_id as string };
  };

  beforeAll(async () => {
    // Every refused credential counts against the test's one client address: the walk makes more than 300 a minute.
    t = await startTestApp({ JWT_SECRET: SECRET, RATE_LIMIT_ANONYMOUS: '100000' });
    a = await tenant();
    b = await tenant();
    for (const [owner, externalId] of [[a, 'player_a'], [b, 'player_b']] as const) {
      expect((await call(t.url, 'POST', '/operator-data-api/entities', { key: owner.key, body: player(externalId, 'Alice') })).status).toBe(201);
      const event = { externalId, eventType: 'deposit', data: { amount: 10 } };
      expect((await call(t.url, 'POST', '/operator-data-api/events', { key: owner.key, body: event })).status).toBe(201);
    }
    const suspended = await tenant();
    suspendedKey = suspended.key;
    suspendedToken = suspended.token;
    suspendedChildKey = suspended.childKey;
    expect((await call(t.url, 'DELETE', `/platform-api/operators/${suspended.operatorId}`, { key: suspended.platformKey })).status).toBe(200);
    const revoked = await call(t.url, 'POST', '/api-keys', { key: a.key, body: { operatorId: a.operatorId, label: 'to revoke' } });
    revokedOperatorKey = revoked.body.data.key;
    expect((await call(t.url, 'DELETE', `/api-keys?id=${revoked.body.data.id}`, { key: a.key })).status).toBe(200);
    const toRevoke = await tokenAndChild(a.key);
    revokedToken = toRevoke.token;
    revokedChildKey = toRevoke.childKey;
    expect((await call(t.url, 'DELETE', `/api-keys?id=${toRevoke.childKeyId}`, { key: a.key })).status).toBe(200);
    expect((await call(t.url, 'DELETE', `/api/v1/operator-tokens/${toRevoke.tokenId}`, { key: a.key })).status).toBe(200);
    const platform = await t.registerPlatform('Revoked platform');
    await t.admin.revokeKey(platform.id, platform.keyId);
    revokedPlatformKey = platform.key;
  });
  afterAll(async () => t.close());

  /** Each authenticated row's request against tenant A, and what tenant B gets from it. */
  const cells = (): Map<string, { cell: Cell; foreign: Foreign }> =>
    new Map<string, { cell: Cell; foreign: Foreign }>([
      ['POST /platform-api/operators', { cell: { path: '/platform-api/operators', body: { name: 'Other', contactEmail: 'o@example.com' } }, foreign: 'ownOnly' }],
      ['GET /platform-api/operators', { cell: { path: '/platform-api/operators' }, foreign: 'ownOnly' }],
      ['GET /platform-api/operators/:id', { cell: { path: `/platform-api/operators/${a.operatorId}` }, foreign: { status: 404, code: 'OPERATOR_NOT_FOUND' } }],
      ['PUT /platform-api/operators/:id', { cell: { path: `/platform-api/operators/${a.operatorId}`, body: { name: 'Taken over' } }, foreign: { status: 404, code: 'OPERATOR_NOT_FOUND' } }],
      ['DELETE /platform-api/operators/:id', { cell: { path: `/platform-api/operators/${a.operatorId}` }, foreign: { status: 404, code: 'OPERATOR_NOT_FOUND' } }],
      ['GET /platform-api/operators/:id/history', { cell: { path: `/platform-api/operators/${a.operatorId}/history` }, foreign: { status: 404, code: 'OPERATOR_NOT_FOUND' } }],
      ['POST /platform-api/operators/:id/api-keys', { cell: { path: `/platform-api/operators/${a.operatorId}/api-keys`, body: {} }, foreign: { status: 404, code: 'OPERATOR_NOT_FOUND' } }],
      ['GET /platform-api/operators/:id/api-keys', { cell: { path: `/platform-api/operators/${a.operatorId}/api-keys` }, foreign: { status: 404, code: 'OPERATOR_NOT_FOUND' } }],
      [
        'DELETE /platform-api/operators/:id/api-keys/:keyId',
        { cell: { path: `/platform-api/operators/${a.operatorId}/api-keys/${a.spareKeyId}` }, foreign: { status: 404, code: 'OPERATOR_NOT_FOUND' } },
      ],
      ['POST /api-keys', { cell: { path: '/api-keys', body: { operatorId: a.operatorId } }, foreign: { status: 404, code: 'OPERATOR_NOT_FOUND' } }],
      ['GET /api-keys', { cell: { path: '/api-keys' }, foreign: 'ownOnly' }],
      ['PATCH /api-keys', { cell: { path: '/api-keys', body: { id: a.spareKeyId, label: 'Taken over' } }, foreign: { status: 404, code: 'API_KEY_NOT_FOUND' } }],
      ['DELETE /api-keys', { cell: { path: `/api-keys?id=${a.spareKeyId}` }, foreign: { status: 404, code: 'API_KEY_NOT_FOUND' } }],
      ['GET /api-keys/:id/history', { cell: { path: `/api-keys/${a.spareKeyId}/history` }, foreign: { status: 404, code: 'API_KEY_NOT_FOUND' } }],
      ['GET /api/v1/operator-tokens', { cell: { path: '/api/v1/operator-tokens' }, foreign: 'ownOnly' }],
      ['POST /api/v1/operator-tokens', { cell: { path: '/api/v1/operator-tokens', body: { label: 'Taken over' } }, foreign: 'ownOnly' }],
      ['POST /api/v1/operator-tokens/mint-child', { cell: { path: '/api/v1/operator-tokens/mint-child', body: { display_name: 'intruder' } }, foreign: 'ownOnly' }],
      ['GET /api/v1/operator-tokens/:id', { cell: { path: `/api/v1/operator-tokens/${a.tokenId}` }, foreign: { status: 404, code: 'UNKNOWN_OPERATOR_TOKEN' } }],
      ['GET /api/v1/operator-tokens/:id/history', { cell: { path: `/api/v1/operator-tokens/${a.tokenId}/history?asOf=2100-01-01T00:00:00Z` }, foreign: { status: 404, code: 'UNKNOWN_OPERATOR_TOKEN' } }],
      ['DELETE /api/v1/operator-tokens/:id', { cell: { path: `/api/v1/operator-tokens/${a.tokenId}?cascade=true` }, foreign: { status: 404, code: 'UNKNOWN_OPERATOR_TOKEN' } }],
      ['PUT /operator-data-api/settings', { cell: { path: '/operator-data-api/settings', body: { template: 'igaming' } }, foreign: 'ownOnly' }],
      ['GET /operator-data-api/settings', { cell: { path: '/operator-data-api/settings' }, foreign: 'ownOnly' }],
      ['POST /operator-data-api/entities', { cell: { path: '/operator-data-api/entities', body: player('player_a', 'Mallory') }, foreign: 'ownOnly' }],
      ['GET /operator-data-api/entities', { cell: { path: '/operator-data-api/entities' }, foreign: 'ownOnly' }],
      ['GET /operator-data-api/entities/:externalId', { cell: { path: '/operator-data-api/entities/player_a' }, foreign: { status: 404, code: 'ENTITY_NOT_FOUND' } }],
      ['GET /operator-data-api/entities/:externalId/history', { cell: { path: '/operator-data-api/entities/player_a/history' }, foreign: { status: 404, code: 'ENTITY_NOT_FOUND' } }],
      ['DELETE /operator-data-api/entities/:externalId', { cell: { path: '/operator-data-api/entities/player_a' }, foreign: { status: 404, code: 'ENTITY_NOT_FOUND' } }],
      [
        'POST /operator-data-api/events',
        { cell: { path: '/operator-data-api/events', body: { externalId: 'player_a', eventType: 'withdrawal', data: { amount: 1 } } }, foreign: { status: 404, code: 'ENTITY_NOT_FOUND' } },
      ],
      ['GET /operator-data-api/entities/:externalId/events', { cell: { path: '/operator-data-api/entities/player_a/events' }, foreign: { status: 404, code: 'ENTITY_NOT_FOUND' } }],
      ['GET /operator-data-api/entities/:externalId/state', { cell: { path: '/operator-data-api/entities/player_a/state' }, foreign: { status: 404, code: 'ENTITY_NOT_FOUND' } }],
    ]);

  const guarded = ROUTES.filter((route) => route.guard !== null);
  const rowOf = (route: RouteRow) => `${route.method} ${route.path}`;

  /** Tenant A as its own credentials read it, everywhere a foreign call could have changed it. */
  const snapshotOfA = async () => {
    const reads = await Promise.all([
      call(t.url, 'GET', `/platform-api/operators/${a.operatorId}`, { key: a.platformKey }),
      call(t.url, 'GET', `/platform-api/operators/${a.operatorId}/api-keys`, { key: a.platformKey }),
      call(t.url, 'GET', '/operator-data-api/settings', { key: a.key }),
      call(t.url, 'GET', '/operator-data-api/entities/player_a', { key: a.key }),
      call(t.url, 'GET', '/operator-data-api/entities/player_a/events', { key: a.key }),
      call(t.url, 'GET', '/operator-data-api/entities/player_a/state', { key: a.key }),
      call(t.url, 'GET', '/api/v1/operator-tokens', { key: a.key }),
      call(t.url, 'GET', `/api/v1/operator-tokens/${a.tokenId}`, { key: a.key }),
      call(t.url, 'GET', '/api-keys', { key: a.key }),
    ]);
    // lastUsedAt is not part of what a foreign call could change: the snapshot's own reads move it.
    const withoutUse = (data: unknown): unknown => {
      if (Array.isArray(data)) return data.map((item: Record<string, unknown>) => ({ ...item, lastUsedAt: 'ignored' }));
      const children = (data as { children?: Record<string, unknown>[] } | undefined)?.children;
      return children ? { ...(data as object), children: children.map((child) => ({ ...child, last_used_at: 'ignored' })) } : data;
    };
    return reads.map((reply) => [reply.status, withoutUse(reply.body.data)]);
  };

  it('has the cells of every authenticated row of the table, and no cell without a row', () => {
    expect([...cells().keys()].sort()).toEqual(guarded.map(rowOf).sort());
  });

  it('answers every authenticated route with the same 401 for every credential that must not reach it, and changes nothing', async () => {
    const before = await snapshotOfA();
    const always: [string, string | null][] = [
      ['no credential', null],
      ['an empty bearer', ''],
      ['garbage', 'oh_live_<script>'],
      ['a well-formed key nobody has', `oh_live_${'0'.repeat(64)}`],
      ['an operator token (it mints child keys, nothing else)', a.token],
    ];
    const refused: Readonly<Record<Exclude<RouteRow['audience'], 'operator-token'>, [string, string | null][]>> = {
      public: [],
      platform: [
        ...always,
        ['a revoked platform key', revokedPlatformKey],
        ["an operator's key", a.key],
        ["an operator's child key", a.childKey],
        ["an operator's session", a.session],
      ],
      'operator-key': [
        ...always,
        ['a revoked key', revokedOperatorKey],
        ['a revoked child key', revokedChildKey],
        ["a suspended operator's key", suspendedKey],
        ["a suspended operator's child key", suspendedChildKey],
        ['a platform key', a.platformKey],
        ["the operator's own session (key routes take keys only)", a.session],
      ],
      'operator-key-or-session': [
        ...always,
        ['a revoked key', revokedOperatorKey],
        ['a revoked child key', revokedChildKey],
        ["a suspended operator's key", suspendedKey],
        ["a suspended operator's child key", suspendedChildKey],
        ['a platform key', a.platformKey],
      ],
    };
    // Seed 003's mint-child names each refusal (the token is its only credential).
    const refusedTokens: [string, string | null, string][] = [
      ['no credential', null, 'MISSING_OPERATOR_TOKEN'],
      ['an empty bearer', '', 'MISSING_OPERATOR_TOKEN'],
      ['garbage', 'oh_op_<script>', 'INVALID_OPERATOR_TOKEN_FORMAT'],
      ['a well-formed token nobody has', generateSecret('oh_op_'), 'OPERATOR_TOKEN_NOT_FOUND'],
      ['a revoked token', revokedToken, 'OPERATOR_TOKEN_REVOKED'],
      ["a suspended operator's token", suspendedToken, 'OPERATOR_SUSPENDED'],
      ["the operator's own key", a.key, 'INVALID_OPERATOR_TOKEN_FORMAT'],
      ['a child key', a.childKey, 'INVALID_OPERATOR_TOKEN_FORMAT'],
      ['a platform key', a.platformKey, 'INVALID_OPERATOR_TOKEN_FORMAT'],
      ["the operator's session", a.session, 'INVALID_OPERATOR_TOKEN_FORMAT'],
    ];
    const expectations = (route: RouteRow): [string, string | null, { code: string; message: unknown }][] =>
      route.audience === 'operator-token'
        ? refusedTokens.map(([what, token, code]) => [what, token, { code, message: expect.any(String) }])
        : refused[route.audience].map(([what, token]) => [what, token, { code: 'UNAUTHORIZED', message: 'Missing or invalid API key' }]);
    for (const route of guarded) {
      const { cell } = cells().get(rowOf(route))!;
      for (const [what, token, error] of expectations(route)) {
        const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
        const reply = await call(t.url, route.method, cell.path, { body: cell.body, headers });
        expect([rowOf(route), what, reply.status, reply.body]).toEqual([rowOf(route), what, 401, { success: false, error, requestId: expect.any(String) }]);
      }
    }
    expect(await snapshotOfA()).toEqual(before);
  });

  it('answers a child key with 403 TIER_FORBIDDEN wherever keys, tokens or settings are managed, and changes nothing', async () => {
    const before = await snapshotOfA();
    const management = guarded.filter((route) => route.guard === 'OperatorKeyOrSessionGuard' || route.guard === 'OperatorOwnKeyGuard');
    expect(management.length).toBeGreaterThan(5);
    for (const route of management) {
      const { cell } = cells().get(rowOf(route))!;
      const reply = await call(t.url, route.method, cell.path, { body: cell.body, key: a.childKey });
      expect([rowOf(route), reply.status, reply.body.error?.code]).toEqual([rowOf(route), 403, 'TIER_FORBIDDEN']);
    }
    expect(await snapshotOfA()).toEqual(before);
  });

  it("answers a caller of another tenant on every route as if A's resources did not exist, and A's data is untouched", async () => {
    const before = await snapshotOfA();
    const foreignCredentials: Readonly<Record<RouteRow['audience'], [string, string][]>> = {
      public: [],
      platform: [["another platform's key", b.platformKey]],
      'operator-key': [
        ["another operator's key", b.key],
        ["another operator's child key", b.childKey],
      ],
      'operator-key-or-session': [
        ["another operator's key", b.key],
        ["another operator's session", b.session],
      ],
      'operator-token': [["another operator's token", b.token]],
    };
    // The refusals first: B's own upsert of "player_a" (an externalId of B's own, then) comes after them.
    const refusalsFirst = [...guarded].sort((x, y) => Number(cells().get(rowOf(x))!.foreign === 'ownOnly') - Number(cells().get(rowOf(y))!.foreign === 'ownOnly'));
    for (const route of refusalsFirst) {
      const { cell, foreign } = cells().get(rowOf(route))!;
      // A child key cannot manage settings at all (403, its own spec above): not a foreign call there.
      const credentials = foreignCredentials[route.audience].filter(([what]) => route.guard !== 'OperatorOwnKeyGuard' || !what.includes('child key'));
      for (const [what, token] of credentials) {
        const reply: Reply = await call(t.url, route.method, cell.path, { body: cell.body, key: token });
        if (foreign === 'ownOnly') {
          expect([rowOf(route), what, reply.status < 300]).toEqual([rowOf(route), what, true]);
          expect([rowOf(route), what, JSON.stringify(reply.body)]).not.toEqual([rowOf(route), what, expect.stringContaining(a.operatorId)]);
        } else {
          expect([rowOf(route), what, reply.status, reply.body.error?.code]).toEqual([rowOf(route), what, foreign.status, foreign.code]);
        }
      }
    }
    expect(await snapshotOfA()).toEqual(before);
    // What B did on "its own data" went to B: its entity player_a is B's, Mallory, never A's Alice.
    const bEntity = await call(t.url, 'GET', '/operator-data-api/entities/player_a', { key: b.key });
    expect(bEntity.body.data.data.first_name).toBe('Mallory');
    const aEntity = await call(t.url, 'GET', '/operator-data-api/entities/player_a', { key: a.key });
    expect(aEntity.body.data.data.first_name).toBe('Alice');
  });
});
