import { operatorTokensStream } from '@onehazel/domain';
import { barrierOnReads, call, igamingOperator, startTestApp, TestApp } from './harness';
import { mintChild, mintToken } from './fleet';

const problemFields = (body: { error: { details?: { field: string }[] } }) => (body.error.details ?? []).map((problem) => problem.field);

describe('Operator tokens (seed 003): bad input and limits', () => {
  let t: TestApp;
  let operator: Awaited<ReturnType<typeof igamingOperator>>;

  beforeAll(async () => {
    t = await startTestApp({ OPERATOR_TOKENS_MAX: '3', OPERATOR_TOKEN_CHILDREN_MAX: '2' });
  });
  afterAll(async () => t.close());
  beforeEach(async () => {
    operator = await igamingOperator(t);
  });

  const tokenCount = async () => (await call(t.url, 'GET', '/api/v1/operator-tokens', { key: operator.key })).body.data.tokens.length;

  it.each([
    ['label', { label: '' }],
    ['label', { label: '   ' }],
    ['label', { label: 'x'.repeat(101) }],
    ['label', { label: 7 }],
    ['monthly_quota_submissions', { monthly_quota_submissions: 0 }],
    ['monthly_quota_submissions', { monthly_quota_submissions: 100_001 }],
    ['monthly_quota_submissions', { monthly_quota_submissions: 1.5 }],
    ['monthly_quota_submissions', { monthly_quota_submissions: '10' }],
    ['monthly_quota_submissions', { monthly_quota_submissions: null }],
    ['child_quota_pct', { child_quota_pct: 0 }],
    ['child_quota_pct', { child_quota_pct: 101 }],
    ['child_quota_pct', { child_quota_pct: -5 }],
    ['label', { label: null }],
    ['maxTokens', { maxTokens: 99 }],
    ['__proto__', JSON.parse('{"__proto__": {"admin": true}}')],
  ])('refuses a token body with a bad %s: 400 VALIDATION_FAILED naming it, and mints nothing', async (field, body) => {
    const reply = await call(t.url, 'POST', '/api/v1/operator-tokens', { key: operator.key, body });

    expect([reply.status, reply.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(problemFields(reply.body)).toContain(field);
    expect(await tokenCount()).toBe(0);
  });

  it('takes every bound itself: 1 and 100000 submissions, 1 and 100 percent, a label of 100 characters', async () => {
    const low = await call(t.url, 'POST', '/api/v1/operator-tokens', { key: operator.key, body: { label: 'l', monthly_quota_submissions: 1, child_quota_pct: 1 } });
    const high = await call(t.url, 'POST', '/api/v1/operator-tokens', { key: operator.key, body: { label: 'x'.repeat(100), monthly_quota_submissions: 100_000, child_quota_pct: 100 } });

    expect([low.status, high.status]).toEqual([201, 201]);
    expect(low.body.data).toMatchObject({ monthly_quota_submissions: 1, child_quota_pct: 1 });
    expect(high.body.data).toMatchObject({ monthly_quota_submissions: 100_000, child_quota_pct: 100, label: 'x'.repeat(100) });
  });

  it('refuses a body that is not an object', async () => {
    const reply = await call(t.url, 'POST', '/api/v1/operator-tokens', { key: operator.key, rawBody: '[1]' });
    expect([reply.status, reply.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it.each([
    ['display_name', { display_name: '' }],
    ['display_name', { display_name: 'x'.repeat(61) }],
    ['display_name', { display_name: ['a'] }],
    ['display_name', { display_name: null }],
    ['agent_id', { agent_id: '00000000-0000-4000-8000-000000000000' }],
  ])('refuses a mint-child body with a bad %s, and mints no child', async (field, body) => {
    const token = await mintToken(t, operator.key);

    const reply = await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: token.token, body });

    expect([reply.status, reply.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(problemFields(reply.body)).toContain(field);
    expect((await call(t.url, 'GET', `/api/v1/operator-tokens/${token.id}`, { key: operator.key })).body.data.children_count).toBe(0);
  });

  it('takes a display name of 60 characters', async () => {
    const token = await mintToken(t, operator.key);
    expect((await mintChild(t, token.token, { display_name: 'd'.repeat(60) })).body.display_name).toBe('d'.repeat(60));
  });

  it('answers 409 MAX_OPERATOR_TOKENS past the cap of active tokens; a revoked one frees its place', async () => {
    const tokens = [await mintToken(t, operator.key), await mintToken(t, operator.key), await mintToken(t, operator.key)];

    const refused = await call(t.url, 'POST', '/api/v1/operator-tokens', { key: operator.key });

    expect([refused.status, refused.body.error.code, refused.body.error.details]).toEqual([409, 'MAX_OPERATOR_TOKENS', { max: 3 }]);
    await call(t.url, 'DELETE', `/api/v1/operator-tokens/${tokens[0]!.id}`, { key: operator.key });
    expect((await call(t.url, 'POST', '/api/v1/operator-tokens', { key: operator.key })).status).toBe(201);
  });

  it('holds the cap of active tokens when creations race: five decide on the same state, three get through', async () => {
    // Every request reads the token stream, then waits until all five have read it: all decide on an
    // empty stream, and only the stream revision stands between them and six tokens.
    const barrier = barrierOnReads(t.app.runtime.stores.events, 5, (stream) => stream === operatorTokensStream(operator.operatorId));
    try {
      const replies = await Promise.all(Array.from({ length: 5 }, () => call(t.url, 'POST', '/api/v1/operator-tokens', { key: operator.key })));
      expect(replies.map((reply) => reply.status).sort()).toEqual([201, 201, 201, 409, 409]);
      expect(replies.filter((reply) => reply.status === 409).map((reply) => reply.body.error.code)).toEqual(['MAX_OPERATOR_TOKENS', 'MAX_OPERATOR_TOKENS']);
    } finally {
      barrier.restore();
    }
    expect(await tokenCount()).toBe(3);
  });

  it('answers 409 MAX_CHILD_KEYS past the cap of live children per token; a revoked child frees its place', async () => {
    const token = await mintToken(t, operator.key);
    const first = await mintChild(t, token.token);
    await mintChild(t, token.token);

    const refused = await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: token.token, body: {} });

    expect([refused.status, refused.body.error.code, refused.body.error.details]).toEqual([409, 'MAX_CHILD_KEYS', { max: 2 }]);
    await call(t.url, 'DELETE', `/api-keys?id=${first.keyId}`, { key: operator.key });
    expect((await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: token.token, body: {} })).status).toBe(201);
  });

  it('holds the cap of children when daemons race: four decide on the same state, two get through', async () => {
    const token = await mintToken(t, operator.key);
    const barrier = barrierOnReads(t.app.runtime.stores.events, 4, (stream) => stream === operatorTokensStream(operator.operatorId));
    try {
      const replies = await Promise.all(Array.from({ length: 4 }, () => call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: token.token, body: {} })));
      expect(replies.map((reply) => reply.status).sort()).toEqual([201, 201, 409, 409]);
    } finally {
      barrier.restore();
    }
    expect((await call(t.url, 'GET', `/api/v1/operator-tokens/${token.id}`, { key: operator.key })).body.data.children_count).toBe(2);
  });

  it.each(['GET', 'DELETE'])('answers %s of a token that is not one (or not a UUID) with 404 UNKNOWN_OPERATOR_TOKEN', async (method) => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', 'mint-child', '%00']) {
      const reply = await call(t.url, method, `/api/v1/operator-tokens/${id}`, { key: operator.key });
      expect([id, reply.status, reply.body.error.code]).toEqual([id, 404, 'UNKNOWN_OPERATOR_TOKEN']);
    }
  });

  it('refuses a cascade that is neither true nor false, and revokes nothing', async () => {
    const token = await mintToken(t, operator.key);

    const reply = await call(t.url, 'DELETE', `/api/v1/operator-tokens/${token.id}?cascade=yes`, { key: operator.key });

    expect([reply.status, reply.body.error.code, problemFields(reply.body)]).toEqual([400, 'VALIDATION_FAILED', ['cascade']]);
    expect(await tokenCount()).toBe(1);
  });

  it.each(['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__'])(
    'refuses a field named %s (a name every object inherits) in bodies and queries, and changes nothing',
    async (name) => {
      const token = await mintToken(t, operator.key);
      const field = JSON.parse(`{"${name}": "x"}`);

      const replies = [
        await call(t.url, 'POST', '/api/v1/operator-tokens', { key: operator.key, body: field }),
        await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: token.token, body: field }),
        await call(t.url, 'DELETE', `/api/v1/operator-tokens/${token.id}?${name}=1`, { key: operator.key }),
        await call(t.url, 'GET', `/api/v1/operator-tokens/${token.id}?${name}=1`, { key: operator.key }),
        await call(t.url, 'PATCH', '/api-keys', { key: operator.key, body: { id: operator.keyId, label: 'renamed', ...field } }),
      ];

      expect(replies.map((reply) => [reply.status, reply.body.error?.code, problemFields(reply.body)])).toEqual(Array(5).fill([400, 'VALIDATION_FAILED', [name]]));
      const listed = (await call(t.url, 'GET', '/api/v1/operator-tokens', { key: operator.key })).body.data.tokens;
      expect(listed.map((listedToken: { id: string; children_count: number }) => [listedToken.id, listedToken.children_count])).toEqual([[token.id, 0]]);
    },
  );

  it.each([
    ['two spaces', (token: string) => `Bearer  ${token}`],
    ['a trailing word', (token: string) => `Bearer ${token} x`],
    ['another scheme', (token: string) => `Basic ${token}`],
  ])('answers a malformed Authorization header (%s) on mint-child with INVALID_OPERATOR_TOKEN_FORMAT', async (_what, header) => {
    const token = await mintToken(t, operator.key);

    const reply = await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { headers: { authorization: header(token.token) }, body: {} });

    expect([reply.status, reply.body.error.code]).toEqual([401, 'INVALID_OPERATOR_TOKEN_FORMAT']);
  });

  it('pages the children of a token: limit and cursor, oldest first', async () => {
    const token = await mintToken(t, operator.key);
    const first = await mintChild(t, token.token);
    const second = await mintChild(t, token.token);

    const one = await call(t.url, 'GET', `/api/v1/operator-tokens/${token.id}?limit=1`, { key: operator.key });
    const two = await call(t.url, 'GET', `/api/v1/operator-tokens/${token.id}?limit=1&cursor=${one.body.data.children_next_cursor}`, { key: operator.key });

    expect(one.body.data.children.map((child: { key_id: string }) => child.key_id)).toEqual([first.keyId]);
    expect(two.body.data.children.map((child: { key_id: string }) => child.key_id)).toEqual([second.keyId]);
    expect(two.body.data.children_next_cursor).toBeNull();
    const tooMany = await call(t.url, 'GET', `/api/v1/operator-tokens/${token.id}?limit=101`, { key: operator.key });
    expect([tooMany.status, tooMany.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
