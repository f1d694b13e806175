import { call, operatorInput, startTestApp, TestApp } from './harness';

describe('read your writes', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    // No projector runs: PROJECTOR=external names one in another process, and none is started.
    t = await startTestApp({ PROJECTOR: 'external', CONSISTENCY_TIMEOUT_MS: '300' });
    ({ key } = await t.registerPlatform());
  });
  afterAll(async () => t.close());

  it('answers 503 CONSISTENCY_TIMEOUT when the read model does not catch up in time, with the change recorded', async () => {
    const reply = await call(t.url, 'POST', '/platform-api/operators', {
      key,
      body: operatorInput(),
      headers: { 'x-request-id': 'slow-projection-1' },
    });
    expect(reply.status).toBe(503);
    expect(reply.body).toMatchObject({ success: false, error: { code: 'CONSISTENCY_TIMEOUT' }, requestId: 'slow-projection-1' });
    expect(reply.body.error.message).toMatch(/recorded/);
    const head = await t.app.runtime.stores.events.headPosition();
    const recorded = [];
    for await (const event of t.app.runtime.stores.events.subscribeToAll({ signal: AbortSignal.timeout(200) })) {
      recorded.push(event);
      if (event.position.commit === head!.commit) break;
    }
    const created = recorded.find((e) => e.type === 'OperatorCreated');
    expect(created?.metadata).toMatchObject({ requestId: 'slow-projection-1', actor: { kind: 'platform' } });
    expect(reply.body.error.details).toEqual({ operatorId: created!.data.operatorId });

    // Once a projector catches up, the operator is there.
    await t.app.runtime.projector.catchUp();
    const listed = await call(t.url, 'GET', '/platform-api/operators', { key });
    expect(listed.body.data.map((o: { id: string }) => o.id)).toEqual([created!.data.operatorId]);
  });

  it('never answers a stale read model: a no-op command also waits for what it read', async () => {
    await t.app.runtime.projector.catchUp();
    const { body } = await call(t.url, 'GET', '/platform-api/operators', { key });
    const id = body.data[0].id;
    const first = await call(t.url, 'DELETE', `/platform-api/operators/${id}`, { key });
    expect(first.status).toBe(503);
    const again = await call(t.url, 'DELETE', `/platform-api/operators/${id}`, { key });
    expect(again.status).toBe(503);
    await t.app.runtime.projector.catchUp();
    const third = await call(t.url, 'DELETE', `/platform-api/operators/${id}`, { key });
    expect([third.status, third.body.data.status]).toEqual([200, 'suspended']);
  });

  it('replays a 503 to a retry with the same Idempotency-Key instead of recording the change twice', async () => {
    await t.app.runtime.projector.catchUp();
    const headers = { 'idempotency-key': 'slow-create' };
    const first = await call(t.url, 'POST', '/platform-api/operators', { key, body: operatorInput({ name: 'Once' }), headers });
    expect(first.status).toBe(503);
    const retry = await call(t.url, 'POST', '/platform-api/operators', { key, body: operatorInput({ name: 'Once' }), headers });
    expect([retry.status, retry.headers.get('idempotent-replayed'), retry.body.error.details]).toEqual([503, 'true', first.body.error.details]);
    await t.app.runtime.projector.catchUp();
    const listed = await call(t.url, 'GET', '/platform-api/operators?limit=100', { key });
    expect(listed.body.data.filter((o: { name: string }) => o.name === 'Once')).toHaveLength(1);
  });

  it('reports the lag on /ready', async () => {
    await call(t.url, 'POST', '/platform-api/operators', { key, body: operatorInput() });
    const lagging = await call(t.url, 'GET', '/ready');
    expect(lagging.body.data.projection.caughtUp).toBe(false);
    await t.app.runtime.projector.catchUp();
    expect((await call(t.url, 'GET', '/ready')).body.data.projection.caughtUp).toBe(true);
  });
});

describe('/ready past READY_MAX_LAG_SECONDS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PROJECTOR: 'external', CONSISTENCY_TIMEOUT_MS: '100', READY_MAX_LAG_SECONDS: '1' });
  });
  afterAll(async () => t.close());

  it('answers 503 SERVICE_UNAVAILABLE in the error envelope, with the readiness report as details, until the projection catches up', async () => {
    const { key } = await t.registerPlatform();
    await call(t.url, 'POST', '/platform-api/operators', { key, body: operatorInput() }); // recorded, not projected (503)
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const lagging = await call(t.url, 'GET', '/ready', { headers: { 'x-request-id': 'probe-1' } });
    expect(lagging.status).toBe(503);
    expect(lagging.body).toMatchObject({
      success: false,
      error: { code: 'SERVICE_UNAVAILABLE', details: { status: 'unavailable', eventStore: 'up', readStore: 'up', projection: { caughtUp: false } } },
      requestId: 'probe-1',
    });
    expect(lagging.body.error.message).toMatch(/^Not ready: projection \d+(\.\d+)? s behind the log$/);
    await t.app.runtime.projector.catchUp();
    const ready = await call(t.url, 'GET', '/ready');
    expect([ready.status, ready.body.success, ready.body.data.status]).toEqual([200, true, 'ready']);
  });
});
