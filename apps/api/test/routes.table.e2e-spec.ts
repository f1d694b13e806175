import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GUARDS_METADATA, INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { IdempotencyInterceptor } from '../src/http/idempotency.interceptor';
import { SubmissionQuotaInterceptor } from '../src/http/submission-quota.interceptor';
import { DOCUMENT_ROUTES, ROUTES, RouteRow } from '../src/routes.table';
import { call, startTestApp, TestApp } from './harness';

type Registered = Pick<RouteRow, 'method' | 'path' | 'guard' | 'idempotent'> & {
  /** Whether a child key's call counts against its token's quota, and inside the Idempotency-Key replay. */
  submission: 'counted, inside replay' | 'counted, outside replay' | 'not counted';
};

const describeRoute = (route: Pick<RouteRow, 'method' | 'path' | 'guard' | 'idempotent'>): string => `${route.method} ${route.path} guard=${route.guard ?? 'none'} idempotent=${route.idempotent}`;

/** The routes the application's controllers register, read from Nest's metadata. */
function registeredRoutes(t: TestApp): Registered[] {
  const routes: Registered[] = [];
  for (const module of t.app.app.get(ModulesContainer).values()) {
    for (const controller of module.controllers.values()) {
      const type = controller.metatype as { prototype: Record<string, unknown>; name: string };
      const classGuards: { name: string }[] = Reflect.getMetadata(GUARDS_METADATA, type) ?? [];
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = type.prototype[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
        if (method === undefined || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const guards = [...classGuards, ...((Reflect.getMetadata(GUARDS_METADATA, handler) ?? []) as { name: string }[])];
        const interceptors: unknown[] = Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? [];
        const path = `/${[Reflect.getMetadata(PATH_METADATA, type), Reflect.getMetadata(PATH_METADATA, handler)].join('/')}`
          .replace(/\/+/g, '/')
          .replace(/(.)\/$/, '$1');
        routes.push({
          method: RequestMethod[method] as RouteRow['method'],
          path,
          guard: (guards.map((guard) => guard.name)[0] ?? null) as RouteRow['guard'],
          idempotent: interceptors.includes(IdempotencyInterceptor),
          submission: !interceptors.includes(SubmissionQuotaInterceptor)
            ? 'not counted'
            : interceptors.indexOf(SubmissionQuotaInterceptor) > interceptors.indexOf(IdempotencyInterceptor)
              ? 'counted, inside replay'
              : 'counted, outside replay',
        });
      }
    }
  }
  return routes;
}

/** `/a/:id/b` as OpenAPI writes it: `/a/{id}/b`. */
const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

/** The security requirement each audience must document. */
const SECURITY: Readonly<Record<RouteRow['audience'], string[]>> = {
  public: [],
  platform: ['platformKey'],
  'operator-key': ['operatorKey'],
  'operator-key-or-session': ['operatorKey', 'operatorSession'],
  'operator-token': ['operatorToken'],
};

describe('The routes table (apps/api/src/routes.table.ts)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('has exactly one row per route the application registers, with its guard and idempotency', () => {
    const registered = registeredRoutes(t).map(describeRoute).sort();
    const tabled = ROUTES.map(describeRoute).sort();
    expect(registered).toEqual(tabled);
    expect(new Set(tabled).size).toBe(tabled.length);
  });

  it("counts every write of the operator data API as a child key's submission, inside the Idempotency-Key replay, and nothing else", () => {
    const counted = registeredRoutes(t).map((route) => `${route.method} ${route.path} ${route.submission}`).sort();
    const writes = ROUTES.map((route) => {
      const write = route.path.startsWith('/operator-data-api/') && (route.method === 'POST' || route.method === 'DELETE');
      return `${route.method} ${route.path} ${write ? 'counted, inside replay' : 'not counted'}`;
    }).sort();
    expect(counted).toEqual(writes);
  });

  it('is consistent: every POST replays, every guarded route is limited per credential, every public one is not', () => {
    for (const route of ROUTES) {
      expect([route.method, route.path, route.idempotent]).toEqual([route.method, route.path, route.method === 'POST']);
      expect([route.method, route.path, route.rateLimit]).toEqual([route.method, route.path, route.guard === null ? 'none' : 'credential']);
      expect([route.method, route.path, route.audience === 'public']).toEqual([route.method, route.path, route.guard === null]);
    }
  });

  it('answers as its rate-limit class says: limited routes carry the RateLimit fields even when refused, the others none', async () => {
    for (const route of ROUTES) {
      const withBody = route.method !== 'GET' && route.method !== 'DELETE';
      const reply = await fetch(t.url + route.path.replace(/:\w+/g, 'x'), {
        method: route.method,
        headers: withBody ? { 'content-type': 'application/json' } : {},
        body: withBody ? '{}' : undefined,
      });
      const limited = reply.headers.get('ratelimit-policy') !== null;
      expect([route.method, route.path, limited]).toEqual([route.method, route.path, route.rateLimit === 'credential']);
      if (route.guard !== null) expect([route.method, route.path, reply.status]).toEqual([route.method, route.path, 401]);
    }
    for (const route of DOCUMENT_ROUTES) {
      const reply = await fetch(t.url + route.path);
      expect([route.path, reply.status, reply.headers.get('ratelimit-policy')]).toEqual([route.path, 200, null]);
    }
  });

  it('is what the OpenAPI document describes: the same operations, each with its audience’s security', async () => {
    const document = (await call(t.url, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>> };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        security: (operation.security ?? []).flatMap((requirement) => Object.keys(requirement)).sort(),
      })),
    );
    const expected = ROUTES.map((route) => ({ route: `${route.method} ${openApiPath(route.path)}`, security: [...SECURITY[route.audience]].sort() }));
    const byRoute = (a: { route: string }, b: { route: string }) => a.route.localeCompare(b.route);
    expect(documented.sort(byRoute)).toEqual(expected.sort(byRoute));
  });

  it('is the route list of the README', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) ([^`]+)` \| (public|platform|operator-key|operator-key-or-session|operator-token) \|/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`).sort();
    expect(listed).toEqual(ROUTES.map((route) => `${route.method} ${route.path} ${route.audience}`).sort());
  });
});
