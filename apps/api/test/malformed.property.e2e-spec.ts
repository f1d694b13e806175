import fc from 'fast-check';
import { call, igamingOperator, startTestApp, TestApp } from './harness';
import { httpRequest, rawRequest, RawReply } from './raw-http';

/** Fixed, so that a failure replays; set FC_SEED to explore others. fast-check prints seed and path on failure. */
const SEED = Number(process.env.FC_SEED ?? 20_261_128);
const RUNS = 100;

type Schema = { type?: string; properties?: Record<string, Schema>; $ref?: string };
type Operation = { parameters?: { in: string; name: string }[]; requestBody?: { content: Record<string, { schema: Schema }> } };
type Route = { method: string; path: string; query: string[]; body: Record<string, Schema> | null };

/** Every route of the app's own OpenAPI document, with its query parameters and body properties. */
async function documentedRoutes(t: TestApp): Promise<Route[]> {
  const document = (await call(t.url, 'GET', '/openapi.json')).body as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema> };
  };
  const resolve = (schema: Schema): Schema => (schema.$ref ? document.components.schemas[schema.$ref.split('/').pop()!]! : schema);
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => {
      const schema = operation.requestBody?.content['application/json']?.schema;
      return {
        method: method.toUpperCase(),
        path,
        query: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        body: schema ? (resolve(schema).properties ?? {}) : null,
      };
    }),
  );
}

type Credentials = { platformKey: string; operatorKey: string; operatorId: string; keyId: string };

/** What a request carries besides the flaw that makes it malformed. */
type Carrier = { route: Route; auth: 'none' | 'wrong' | 'right'; param: string };

type Malformed = { skip?: boolean; method?: string; path?: (path: string) => string; headers?: Record<string, string>; body?: string; bodyRoutesOnly?: boolean; queryRoutesOnly?: boolean };

const json = (value: unknown) => JSON.stringify(value);

/** JSON that is never valid: any JSON text followed by a stray bracket, or a text that is not JSON at all. */
const badJson = fc.oneof(
  fc.jsonValue().map((value) => `${json(value)}}`),
  fc.constantFrom('{', '{"a":', "{'a':1}", 'NaN', '{"a":1,}', '[1,2', 'undefined', '\u0000', '{"a":"\\x"}'),
);

const deepNesting = fc
  .tuple(fc.integer({ min: 33, max: 12_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => open.repeat(depth) + (open === '[' ? '' : '1') + (open === '[' ? ']' : '}').repeat(depth));

const manyEntries = fc
  .tuple(fc.integer({ min: 1001, max: 4000 }), fc.boolean())
  .map(([count, asObject]) =>
    asObject ? json(Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]))) : json({ list: Array.from({ length: count }, () => 0) }),
  );

const notAnObject = fc.oneof(
  fc.constant('null'),
  fc.constantFrom('[]', '0', '""', 'true', 'false'),
  fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.array(fc.jsonValue(), { maxLength: 5 })).map(json),
);

/** A value of a type the property does not have (every fixed body declares its properties' types). */
function wrongTypeFor(schema: Schema): fc.Arbitrary<unknown> {
  const numbers = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
  if (schema.type === 'object') return fc.oneof(numbers, fc.boolean(), fc.array(fc.string(), { maxLength: 3 }));
  return fc.oneof(numbers, fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }));
}

const oddContentType = fc.constantFrom(
  'text/plain',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/jsonx',
  'json',
);

const oddMethod = fc.constantFrom('PROPFIND', 'FOO', 'get', 'Post', 'M-SEARCH', 'TRACE');

/** Percent-encodings that are not UTF-8, or not percent-encodings at all. */
const badEncoding = fc.constantFrom('%ff', '%', '%2', '%zz', '%c3%28', '%e2%82', '%ed%a0%80', '%80', '%c0%af');

/** Bytes no header value may hold (RFC 9110 §5.5): control characters other than tab. */
const oddHeaderValue = fc
  .tuple(fc.string({ maxLength: 10 }), fc.integer({ min: 0, max: 31 }).filter((c) => c !== 9), fc.string({ maxLength: 10 }))
  .map(([before, code, after]) => `${before.replace(/[\r\n]/g, '')}${String.fromCharCode(code)}${after.replace(/[\r\n]/g, '')}`);

const badLimit = fc.constantFrom('1e2', '0x10', '1.5', '-1', '0', '101', '+5', '%207', 'abc', '', '1_0', '٣');

/** A body with one declared property of the wrong type. */
function wrongTypes(route: Route): fc.Arbitrary<Malformed> {
  const properties = Object.entries(route.body ?? {});
  if (properties.length === 0) return fc.constant({ body: '{}', bodyRoutesOnly: true, skip: true });
  return fc
    .constantFrom(...properties)
    .chain(([name, schema]) => wrongTypeFor(schema).map((value): Malformed => ({ body: json({ [name]: value }), bodyRoutesOnly: true })));
}

/**
 * The families of flaws, each its own property (so that each is tried on many routes): every flaw
 * must be answered 4xx whatever else the request carries.
 */
const FAMILIES: Readonly<Record<string, (route: Route) => fc.Arbitrary<Malformed>>> = {
  'bad JSON': () => badJson.map((body) => ({ body })),
  'deep nesting': () => deepNesting.map((body) => ({ body })),
  'huge key counts': () => manyEntries.map((body) => ({ body })),
  'null and other non-object bodies': () => notAnObject.map((body) => ({ body, bodyRoutesOnly: true })),
  'wrong types': wrongTypes,
  'odd content types': () =>
    fc.tuple(oddContentType, fc.jsonValue()).map(([type, value]) => ({ headers: { 'content-type': type }, body: json(value), bodyRoutesOnly: true })),
  'odd methods': () => oddMethod.map((method) => ({ method })),
  'odd percent-encodings': () => badEncoding.map((encoding) => ({ path: (path: string) => `${path}/${encoding}` })),
  'odd header values': () =>
    fc.tuple(fc.constantFrom('x-odd', 'idempotency-key', 'authorization', 'content-type', 'x-request-id'), oddHeaderValue).map(([name, value]) => ({ headers: { [name]: value } })),
  'odd header names': () => fc.string({ minLength: 1, maxLength: 8 }).map((name) => ({ headers: { [`x ${name.replace(/[\r\n:]/g, '')}`]: 'v' } })),
  'non-decimal limits': () => badLimit.map((limit) => ({ path: (path: string) => `${path}?limit=${encodeURIComponent(limit)}`, queryRoutesOnly: true })),
};

describe('malformed requests, generated, to every route (fast-check)', () => {
  let t: TestApp;
  let creds: Credentials;
  let routes: Route[];

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_ANONYMOUS: '1000000', RATE_LIMIT_PLATFORM: '1000000', RATE_LIMIT_PROFESSIONAL: '1000000' });
    const op = await igamingOperator(t);
    await call(t.url, 'POST', '/operator-data-api/entities', {
      key: op.key,
      body: { entityType: 'player', externalId: 'player_1', data: { first_name: 'Ada', email: 'ada@example.com', country: 'GB', currency: 'GBP' } },
    });
    creds = { platformKey: op.platformKey, operatorKey: op.key, operatorId: op.operatorId, keyId: op.keyId };
    routes = await documentedRoutes(t);
  });
  afterAll(() => t.close());

  let headBefore: unknown;
  beforeAll(async () => {
    headBefore = await t.app.runtime.stores.events.headPosition();
  });

  it('enumerates the routes from the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThanOrEqual(20);
  });

  it.each(Object.keys(FAMILIES))('answers %s with a 4xx in the envelope with X-Request-Id, on every route, with or without credentials', async (family) => {
    const request = fc
      .record({
        route: fc.constantFrom(...routes),
        // Mostly with the right key, so that a flaw that slipped through would reach a handler and write.
        auth: fc.oneof({ arbitrary: fc.constant<Carrier['auth']>('right'), weight: 3 }, fc.constantFrom<Carrier['auth']>('none', 'wrong')),
        param: fc.constantFrom('valid', 'valid', 'op_0000000000000000', '..', 'a%20b', '%E2%82%AC'),
      })
      .chain((carrier) => FAMILIES[family]!(carrier.route).map((flaw) => ({ carrier, flaw })))
      .filter(({ carrier, flaw }) => appliesTo(carrier.route, flaw));

    await fc.assert(
      fc.asyncProperty(request, async ({ carrier, flaw }) => {
        const reply = await rawRequest(t.url, toBytes(carrier, flaw, creds));
        expect(isEnvelopedClientError(reply)).toEqual({ clientError: true, envelope: true, requestId: true });
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });

  it('is still up, and nothing was written to the event log', async () => {
    expect((await call(t.url, 'GET', '/health')).status).toBe(200);
    expect(await t.app.runtime.stores.events.headPosition()).toEqual(headBefore);
  });
});

function appliesTo(route: Route, flaw: Malformed): boolean {
  if (flaw.skip) return false;
  if (flaw.body !== undefined && route.method === 'GET') return false;
  if (flaw.bodyRoutesOnly && route.body === null) return false;
  return !flaw.queryRoutesOnly || route.query.includes('limit');
}

function toBytes({ route, auth, param }: Carrier, flaw: Malformed, creds: Credentials): string {
  const audienceKey = route.path.startsWith('/platform-api') ? creds.platformKey : creds.operatorKey;
  const headers: Record<string, string> = {};
  if (auth === 'right') headers.authorization = `Bearer ${audienceKey}`;
  if (auth === 'wrong') headers.authorization = 'Bearer oh_live_not_a_key';
  if (flaw.body !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, flaw.headers);
  const filled = route.path
    .replace('{id}', param === 'valid' ? (route.path.startsWith('/api-keys') ? creds.keyId : creds.operatorId) : param)
    .replace('{keyId}', param === 'valid' ? creds.keyId : param)
    .replace('{externalId}', param === 'valid' ? 'player_1' : param);
  const path = flaw.path ? flaw.path(filled) : filled;
  return httpRequest(flaw.method ?? route.method, path, headers, flaw.body);
}

function isEnvelopedClientError(reply: RawReply): { clientError: boolean; envelope: boolean; requestId: boolean } {
  const requestId = reply.headers['x-request-id'];
  const body = reply.body as { success?: unknown; error?: { code?: unknown; message?: unknown }; requestId?: unknown } | null;
  return {
    clientError: reply.status >= 400 && reply.status < 500,
    envelope: body?.success === false && typeof body.error?.code === 'string' && typeof body.error.message === 'string' && body.requestId === requestId,
    requestId: typeof requestId === 'string' && requestId.length > 0,
  };
}
