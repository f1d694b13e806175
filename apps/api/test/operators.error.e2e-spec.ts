import { call, operatorInput, startTestApp, TestApp } from './harness';

describe('Platform API: operators (bad input)', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: '2048' });
    ({ key } = await t.registerPlatform());
  });
  afterAll(async () => t.close());

  const listCount = async (): Promise<number> =>
    (await call(t.url, 'GET', '/platform-api/operators?limit=100', { key })).body.data.length;

  const fieldsOf = (details: { field: string }[]): string[] => details.map((d) => d.field).sort();

  it.each([
    ['an unknown field', operatorInput({ owner: 'me' }), ['owner']],
    ['a bad email', operatorInput({ contactEmail: 'not-an-email' }), ['contactEmail']],
    ['an unknown plan', operatorInput({ plan: 'platinum' }), ['plan']],
    ['a missing name and email', { plan: 'starter' }, ['contactEmail', 'name']],
    ['a blank name', operatorInput({ name: '   ' }), ['name']],
    ['a name of the wrong type', operatorInput({ name: 42 }), ['name']],
  ])('rejects a create with %s: 400 VALIDATION_FAILED naming the field, nothing created', async (_, body, fields) => {
    const before = await listCount();
    const reply = await call(t.url, 'POST', '/platform-api/operators', { key, body });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ success: false, error: { code: 'VALIDATION_FAILED' }, requestId: expect.any(String) });
    expect(fieldsOf(reply.body.error.details)).toEqual(fields);
    expect(await listCount()).toBe(before);
  });

  it('rejects an update with an unknown status or plan and leaves the operator unchanged', async () => {
    const { body } = await call(t.url, 'POST', '/platform-api/operators', { key, body: operatorInput() });
    const id = body.data.id;
    const badStatus = await call(t.url, 'PUT', `/platform-api/operators/${id}`, { key, body: { status: 'deleted', plan: 'enterprise' } });
    expect(badStatus.status).toBe(400);
    expect(fieldsOf(badStatus.body.error.details)).toEqual(['status']);
    const badPlan = await call(t.url, 'PUT', `/platform-api/operators/${id}`, { key, body: { plan: 'gold' } });
    expect(badPlan.status).toBe(400);
    const nulls = await call(t.url, 'PUT', `/platform-api/operators/${id}`, {
      key,
      body: { name: null, plan: null, contactEmail: null, status: null },
    });
    expect(nulls.status).toBe(400);
    expect(fieldsOf(nulls.body.error.details)).toEqual(['contactEmail', 'name', 'plan', 'status']);
    const unknownField = await call(t.url, 'PUT', `/platform-api/operators/${id}`, { key, body: { platformId: 'plt_other' } });
    expect(unknownField.status).toBe(400);
    const read = await call(t.url, 'GET', `/platform-api/operators/${id}`, { key });
    expect(read.body.data).toEqual(body.data);
  });

  it('answers malformed JSON with 400 INVALID_JSON in the envelope', async () => {
    const reply = await call(t.url, 'POST', '/platform-api/operators', { key, rawBody: '{"name": ' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ success: false, error: { code: 'INVALID_JSON' } });
    expect(reply.body.requestId).toBe(reply.headers.get('x-request-id'));
  });

  it('answers a body that is not JSON with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const reply = await call(t.url, 'POST', '/platform-api/operators', {
      key,
      rawBody: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(reply.status).toBe(415);
    expect(reply.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const reply = await call(t.url, 'POST', '/platform-api/operators', { key, body: operatorInput({ name: 'x'.repeat(5000) }) });
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers an unknown operator id, well-formed or not, with 404 OPERATOR_NOT_FOUND', async () => {
    for (const id of ['op_0123456789abcdef', 'nonsense', 'op_../../etc']) {
      for (const [method, body] of [['GET'], ['PUT', { plan: 'starter' }], ['DELETE']] as const) {
        const reply = await call(t.url, method, `/platform-api/operators/${encodeURIComponent(id)}`, { key, body });
        expect([method, id, reply.status, reply.body.error.code]).toEqual([method, id, 404, 'OPERATOR_NOT_FOUND']);
      }
    }
  });

  it('rejects a page size over 100, a non-numeric limit and a forged cursor', async () => {
    for (const query of ['?limit=101', '?limit=0', '?limit=ten', '?cursor=not-a-cursor', '?status=gone']) {
      const reply = await call(t.url, 'GET', `/platform-api/operators${query}`, { key });
      expect([query, reply.status, reply.body.error.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
    }
  });

  it('answers an unknown route with 404 NOT_FOUND in the envelope', async () => {
    const reply = await call(t.url, 'GET', '/platform-api/nothing-here', { key });
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });
});
