import { call, operatorWithKey, startTestApp, TestApp } from './harness';
import { expectEnvelope, httpRequest, rawRequest } from './raw-http';

type Route = { method: string; path: string; hasBody: boolean };

/** Every documented route, from the app's own OpenAPI document. */
async function documentedRoutes(t: TestApp): Promise<Route[]> {
  const document = (await call(t.url, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({ method: method.toUpperCase(), path, hasBody: operation.requestBody !== undefined })),
  );
}

describe('the HTTP edge: bounded parsing and one envelope for every answer', () => {
  let t: TestApp;
  let op: Awaited<ReturnType<typeof operatorWithKey>>;
  let routes: Route[];

  /** A route's path with its parameters filled in, and the key of its audience. */
  const target = (route: Route) => ({
    path: route.path.replace('{id}', op.operatorId).replace('{keyId}', op.keyId).replace('{externalId}', 'player_1'),
    key: route.path.startsWith('/platform-api') ? op.platformKey : op.key,
  });

  beforeAll(async () => {
    t = await startTestApp();
    op = await operatorWithKey(t);
    routes = await documentedRoutes(t);
  });
  afterAll(() => t.close());

  describe('limits enforced while parsing', () => {
    it('answers a body nested 10,000 levels deep with 400 NESTING_TOO_DEEP on every route with a body', async () => {
      const withBody = routes.filter((route) => route.hasBody);
      expect(withBody.length).toBeGreaterThanOrEqual(6);
      for (const deep of ['['.repeat(10_000) + ']'.repeat(10_000), '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)]) {
        for (const route of withBody) {
          const { path, key } = target(route);
          const reply = await call(t.url, route.method, path, { key, rawBody: deep });
          expect([route.method, route.path, reply.status, reply.body.error.code]).toEqual([route.method, route.path, 400, 'NESTING_TOO_DEEP']);
        }
      }
    });

    it('accepts 32 levels and refuses 33, before authentication', async () => {
      const nested = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
      const tooDeep = await call(t.url, 'POST', '/api-keys', { rawBody: nested(33) });
      expectEnvelope(tooDeep, 400, 'NESTING_TOO_DEEP');
      const deepEnough = await call(t.url, 'POST', '/api-keys', { key: op.key, rawBody: nested(32) });
      expectEnvelope(deepEnough, 400, 'VALIDATION_FAILED'); // parsed; `a` is not a field of this body
    });

    it('answers a body with more than 1,000 members and elements with 413 PAYLOAD_TOO_LARGE', async () => {
      const members = (count: number) => JSON.stringify({ data: Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, i])) });
      const elements = JSON.stringify({ list: Array.from({ length: 1001 }, (_, i) => i) });
      for (const body of [members(1000), elements]) {
        const reply = await call(t.url, 'POST', '/operator-data-api/entities', { key: op.key, rawBody: body });
        expectEnvelope(reply, 413, 'PAYLOAD_TOO_LARGE');
      }
      const within = await call(t.url, 'POST', '/operator-data-api/entities', { key: op.key, rawBody: members(998) });
      expect(within.status).not.toBe(413);
    });

    it.each([
      ['__proto__', '{"label":"x","__proto__":{"polluted":true}}'],
      ['an escaped __proto__', '{"label":"x","\\u005f_proto__":{"polluted":true}}'],
      ['constructor.prototype', '{"constructor":{"prototype":{"polluted":true}}}'],
    ])('refuses %s as a key with 400 VALIDATION_FAILED', async (_name, body) => {
      const reply = await call(t.url, 'POST', '/api-keys', { key: op.key, rawBody: body });
      expectEnvelope(reply, 400, 'VALIDATION_FAILED');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe('bodies and query parameters read strictly', () => {
    it.each(['null', '42', '"text"', '[]', '[{"operatorId":"x"}]', 'true'])('answers the body %s with 400 VALIDATION_FAILED and creates nothing', async (body) => {
      const before = (await call(t.url, 'GET', '/api-keys', { key: op.key })).body.data.length;
      const reply = await call(t.url, 'POST', '/api-keys', { key: op.key, rawBody: body });
      expectEnvelope(reply, 400, 'VALIDATION_FAILED');
      expect((await call(t.url, 'GET', '/api-keys', { key: op.key })).body.data.length).toBe(before);
    });

    it.each(['application/json; charset=utf-16', 'application/json; charset=iso-8859-1', 'text/plain', 'application/x-www-form-urlencoded'])(
      'answers Content-Type %s with 415 naming application/json',
      async (contentType) => {
        const reply = await call(t.url, 'POST', '/api-keys', { key: op.key, rawBody: '{}', headers: { 'content-type': contentType } });
        expectEnvelope(reply, 415, 'UNSUPPORTED_MEDIA_TYPE');
        expect(reply.body.error.message).toContain('application/json');
      },
    );

    it.each(['application/json', 'application/json; charset=utf-8', 'application/json; charset="UTF-8"'])('accepts Content-Type %s', async (contentType) => {
      const reply = await call(t.url, 'PATCH', '/api-keys', { key: op.key, rawBody: JSON.stringify({ id: op.keyId, label: 'renamed' }), headers: { 'content-type': contentType } });
      expect(reply.status).toBe(200);
    });

    it.each(['1e2', '0x10', '1.0', ' 7', '+5', '-1', '', '0b11', '10abc'])('answers limit=%j with 400 VALIDATION_FAILED naming limit', async (limit) => {
      const reply = await call(t.url, 'GET', `/api-keys?limit=${encodeURIComponent(limit)}`, { key: op.key });
      expectEnvelope(reply, 400, 'VALIDATION_FAILED');
      expect(reply.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'limit' })]));
    });

    it('accepts limit in decimal digits', async () => {
      const reply = await call(t.url, 'GET', '/api-keys?limit=07', { key: op.key });
      expect([reply.status, reply.body.pagination.limit]).toEqual([200, 7]);
    });
  });

  describe('a path that exists, asked with a method it lacks', () => {
    it.each([
      ['PUT', '/health', 'GET, HEAD'],
      ['PATCH', '/platform-api/operators', 'GET, HEAD, POST'],
      ['POST', '/platform-api/operators/op_0123456789abcdef', 'GET, HEAD, PUT, DELETE'],
      ['PUT', '/operator-data-api/entities/player_1/state', 'GET, HEAD'],
    ])('answers %s %s with 405 METHOD_NOT_ALLOWED and Allow: %s', async (method, path, allow) => {
      const reply = await call(t.url, method, path);
      expect([reply.status, reply.body.error.code, reply.headers.get('allow'), typeof reply.body.requestId]).toEqual([405, 'METHOD_NOT_ALLOWED', allow, 'string']);
    });

    it('answers a path no route has with 404, whatever the method', async () => {
      for (const method of ['GET', 'PUT']) {
        const reply = await call(t.url, method, '/platform-api/operators/op_1/nothing-here');
        expect([reply.status, reply.body.error.code, reply.headers.get('allow')]).toEqual([404, 'NOT_FOUND', null]);
      }
    });
  });

  describe('answers of the framework and the HTTP server', () => {
    it.each([
      ['an unknown route', httpRequest('GET', '/no-such-route'), 404, 'NOT_FOUND'],
      ['a method a path does not allow', httpRequest('PUT', '/api-keys'), 405, 'METHOD_NOT_ALLOWED'],
      ['an undecodable URL', httpRequest('GET', '/%ff'), 400, 'BAD_REQUEST'],
      ['an undecodable path parameter', httpRequest('GET', '/platform-api/operators/%c3%28'), 400, 'BAD_REQUEST'],
      ['a URL over 8 KiB', httpRequest('GET', `/health?${'a'.repeat(9000)}`), 414, 'URI_TOO_LONG'],
      ['a request line over the header limit', httpRequest('GET', `/${'a'.repeat(20_000)}`), 414, 'URI_TOO_LONG'],
      ['a request line of 200 KB, still arriving when refused', httpRequest('GET', `/${'a'.repeat(200_000)}`), 414, 'URI_TOO_LONG'],
      ['headers of 200 KB', httpRequest('GET', '/health', { 'x-large': 'a'.repeat(200_000) }), 431, 'HEADERS_TOO_LARGE'],
      ['a path parameter over the router limit', httpRequest('GET', `/platform-api/operators/${'a'.repeat(4000)}`), 414, 'URI_TOO_LONG'],
      ['headers over the limit', httpRequest('GET', '/health', { 'x-large': 'a'.repeat(20_000) }), 431, 'HEADERS_TOO_LARGE'],
      ['a control byte in a header value', httpRequest('GET', '/health', { 'x-odd': 'a\u0001b' }), 400, 'BAD_REQUEST'],
      ['a space in a header name', httpRequest('GET', '/health', { 'x odd': 'a' }), 400, 'BAD_REQUEST'],
      ['not HTTP at all', 'HELLO\r\n\r\n', 400, 'BAD_REQUEST'],
      ['a body over the size limit', httpRequest('POST', '/api-keys', { 'content-type': 'application/json' }, JSON.stringify({ label: 'a'.repeat(1_100_000) })), 413, 'PAYLOAD_TOO_LARGE'],
      ['malformed JSON', httpRequest('POST', '/api-keys', { 'content-type': 'application/json' }, '{"label":'), 400, 'INVALID_JSON'],
      ['an empty JSON body', httpRequest('POST', '/api-keys', { 'content-type': 'application/json' }, ''), 400, 'INVALID_JSON'],
    ])('answers %s in the envelope with X-Request-Id', async (_name, request, status, code) => {
      expectEnvelope(await rawRequest(t.url, request), status, code);
    });

    it('routes a path parameter as long as the longest externalId (255 characters, percent-encoded)', async () => {
      const longest = encodeURIComponent('€'.repeat(255));
      const reply = await call(t.url, 'GET', `/operator-data-api/entities/${longest}`, { key: op.key });
      expectEnvelope(reply, 404, 'ENTITY_NOT_FOUND');
    });

    it('answers a 200 KB request line so that an ordinary client (fetch) reads the answer', async () => {
      const reply = await call(t.url, 'GET', `/${'a'.repeat(200_000)}`);
      expectEnvelope(reply, 414, 'URI_TOO_LONG');
    });

    it('stays up after all of them', async () => {
      expect((await call(t.url, 'GET', '/health')).status).toBe(200);
    });
  });
});
