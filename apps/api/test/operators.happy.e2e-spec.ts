import { call, operatorInput, startTestApp, TestApp } from './harness';

describe('Platform API: operators (happy paths)', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ key } = await t.registerPlatform('Acme Platform'));
  });
  afterAll(async () => t.close());

  it('creates an operator (seed 000 example) and answers it in the envelope', async () => {
    const created = await call(t.url, 'POST', '/platform-api/operators', { key, body: operatorInput() });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      success: true,
      data: {
        id: expect.stringMatching(/^op_[0-9a-f]{16}$/),
        name: 'Lucky Spin Casino',
        plan: 'professional',
        status: 'active',
        contactEmail: 'admin@luckyspin.com',
        industry: 'igaming',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        suspendedAt: null,
      },
    });
    expect(created.headers.get('x-request-id')).toBeTruthy();
  });

  it('reads its own write: the operator is there on the very next GET', async () => {
    const created = await call(t.url, 'POST', '/platform-api/operators', { key, body: operatorInput({ name: 'Next Read' }) });
    const read = await call(t.url, 'GET', `/platform-api/operators/${created.body.data.id}`, { key });
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(created.body.data);
  });

  it('defaults the plan to starter and the industry to null', async () => {
    const created = await call(t.url, 'POST', '/platform-api/operators', {
      key,
      body: { name: 'Minimal', contactEmail: 'Ops@Minimal.Example ' },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ plan: 'starter', industry: null, contactEmail: 'ops@minimal.example' });
  });

  it('updates plan and name with PUT, keeping what was not sent', async () => {
    const { body } = await call(t.url, 'POST', '/platform-api/operators', { key, body: operatorInput() });
    const id = body.data.id;
    const updated = await call(t.url, 'PUT', `/platform-api/operators/${id}`, {
      key,
      body: { plan: 'enterprise', status: 'active', name: 'Lucky Spin Casino II' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({ id, plan: 'enterprise', status: 'active', name: 'Lucky Spin Casino II', industry: 'igaming' });
    const read = await call(t.url, 'GET', `/platform-api/operators/${id}`, { key });
    expect(read.body.data.plan).toBe('enterprise');
    const cleared = await call(t.url, 'PUT', `/platform-api/operators/${id}`, { key, body: { industry: null } });
    expect(cleared.body.data).toMatchObject({ industry: null, plan: 'enterprise' });
  });

  it('suspends with DELETE (idempotently) and reactivates with PUT status active', async () => {
    const { body } = await call(t.url, 'POST', '/platform-api/operators', { key, body: operatorInput() });
    const id = body.data.id;
    const suspended = await call(t.url, 'DELETE', `/platform-api/operators/${id}`, { key });
    expect(suspended.status).toBe(200);
    expect(suspended.body.data).toMatchObject({ id, status: 'suspended', suspendedAt: expect.any(String) });
    const again = await call(t.url, 'DELETE', `/platform-api/operators/${id}`, { key });
    expect(again.status).toBe(200);
    expect(again.body.data.suspendedAt).toBe(suspended.body.data.suspendedAt);
    expect((await call(t.url, 'GET', `/platform-api/operators/${id}`, { key })).body.data.status).toBe('suspended');
    const reactivated = await call(t.url, 'PUT', `/platform-api/operators/${id}`, { key, body: { status: 'active' } });
    expect(reactivated.status).toBe(200);
    expect(reactivated.body.data).toMatchObject({ status: 'active', suspendedAt: null });
  });

  it('lists the platform’s operators in creation order, a page at a time, and filters by status', async () => {
    const { key: ownKey } = await t.registerPlatform('Lister');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await call(t.url, 'POST', '/platform-api/operators', { key: ownKey, body: operatorInput({ name: `Op ${i}` }) });
      ids.push(created.body.data.id);
    }
    await call(t.url, 'DELETE', `/platform-api/operators/${ids[1]}`, { key: ownKey });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const listed = await call(t.url, 'GET', `/platform-api/operators${query}`, { key: ownKey });
      expect(listed.status).toBe(200);
      expect(listed.body.success).toBe(true);
      expect(listed.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...listed.body.data.map((o: { id: string }) => o.id));
      cursor = listed.body.pagination.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    const suspended = await call(t.url, 'GET', '/platform-api/operators?status=suspended', { key: ownKey });
    expect(suspended.body.data.map((o: { id: string }) => o.id)).toEqual([ids[1]]);
  });

  it('serves liveness, readiness and the OpenAPI document', async () => {
    expect((await call(t.url, 'GET', '/health')).body).toEqual({ success: true, data: { status: 'ok' } });
    const ready = await call(t.url, 'GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.data).toMatchObject({ status: 'ready', eventStore: 'up', readStore: 'up', keyStore: 'up', requestStore: 'up' });
    const openapi = await call(t.url, 'GET', '/openapi.json');
    expect(openapi.status).toBe(200);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(['/platform-api/operators', '/platform-api/operators/{id}']),
    );
    const create = openapi.body.paths['/platform-api/operators'].post.responses;
    expect(create['201'].content['application/json'].schema.properties.data).toEqual({ $ref: '#/components/schemas/OperatorResponse' });
    expect(create['401'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorEnvelope' });
    const docs = await fetch(`${t.url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });

  it('exposes Prometheus metrics labelled by route template, never by raw id', async () => {
    const response = await fetch(`${t.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/onehazel_http_request_duration_seconds_count\{method="GET",route="\/platform-api\/operators\/:id",status="200"\} [1-9]/);
    expect(text).not.toMatch(/route="[^"]*op_[0-9a-f]{16}/);
    expect(text).toMatch(/onehazel_projector_batches_total [1-9]/);
  });

  it('echoes a well-formed X-Request-Id and uses it in errors', async () => {
    const reply = await call(t.url, 'GET', '/platform-api/operators/op_0000000000000000', {
      key,
      headers: { 'x-request-id': 'trace-123' },
    });
    expect(reply.headers.get('x-request-id')).toBe('trace-123');
    expect(reply.body.requestId).toBe('trace-123');
  });
});
