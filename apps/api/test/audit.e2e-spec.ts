import { call, igamingOperator, operatorInput, startTestApp, TestApp } from './harness';

/**
 * Audit time travel (issue 12): a scripted sequence of changes at fixed instants (the app's clock is
 * driven here), then the histories read back with from, to and asOf.
 */
describe('Audit history: from, to and asOf, replayed from the log', () => {
  let t: TestApp;
  let now: number;
  const at = (instant: string) => {
    now = Date.parse(instant);
  };
  let platformKey: string;
  let operatorId: string;
  let key: string;
  let keyId: string;
  let tokenId: string;
  let childA: { keyId: string; agentId: string };
  let childB: { keyId: string; agentId: string };

  beforeAll(async () => {
    now = Date.parse('2026-03-01T09:00:00.000Z');
    t = await startTestApp({}, undefined, { clock: () => now });
    platformKey = (await t.registerPlatform()).key;
    at('2026-03-01T09:00:00.000Z');
    operatorId = (await call(t.url, 'POST', '/platform-api/operators', { key: platformKey, body: operatorInput({ plan: 'starter' }) })).body.data.id;
    at('2026-03-01T10:00:00.000Z');
    const issued = await call(t.url, 'POST', `/platform-api/operators/${operatorId}/api-keys`, { key: platformKey, body: { label: 'First key' } });
    ({ key, id: keyId } = issued.body.data);
    await call(t.url, 'POST', `/platform-api/operators/${operatorId}/api-keys`, { key: platformKey, body: { label: 'Spare' } });
    at('2026-03-02T10:00:00.000Z');
    expect((await call(t.url, 'PATCH', '/api-keys', { key, body: { id: keyId, label: 'Renamed' } })).status).toBe(200);
    at('2026-03-03T10:00:00.000Z');
    expect((await call(t.url, 'DELETE', `/platform-api/operators/${operatorId}`, { key: platformKey })).status).toBe(200);
    at('2026-03-04T10:00:00.000Z');
    expect((await call(t.url, 'PUT', `/platform-api/operators/${operatorId}`, { key: platformKey, body: { status: 'active', plan: 'enterprise' } })).status).toBe(200);
    at('2026-03-06T10:00:00.000Z');
    const minted = await call(t.url, 'POST', '/api/v1/operator-tokens', { key, body: { label: 'fleet', monthly_quota_submissions: 50 } });
    tokenId = minted.body.data.id;
    const mintChild = async () => {
      const child = await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: minted.body.data.operator_token, body: {} });
      return { keyId: child.body.data.key_id as string, agentId: child.body.data.agent_id as string };
    };
    at('2026-03-07T10:00:00.000Z');
    childA = await mintChild();
    at('2026-03-08T10:00:00.000Z');
    childB = await mintChild();
    at('2026-03-09T10:00:00.000Z');
    expect((await call(t.url, 'DELETE', `/api-keys?id=${childA.keyId}`, { key })).status).toBe(200);
    at('2026-03-10T10:00:00.000Z');
    expect((await call(t.url, 'DELETE', `/api/v1/operator-tokens/${tokenId}?cascade=true`, { key })).status).toBe(200);
    at('2026-03-11T10:00:00.000Z');
    expect((await call(t.url, 'DELETE', `/api-keys?id=${keyId}`, { key })).status).toBe(200);
  });
  afterAll(async () => t.close());

  const keyHistory = (query: string) => call(t.url, 'GET', `/api-keys/${keyId}/history${query}`, { key: spareKey() });
  // The revoked key cannot read its own history any more: the spare key does.
  let spare: string | undefined;
  const spareKey = () => spare!;
  beforeAll(async () => {
    const keys = await call(t.url, 'GET', `/platform-api/operators/${operatorId}/api-keys`, { key: platformKey });
    const spareId = keys.body.data.find((listed: { label: string }) => listed.label === 'Spare').id;
    // A new key for reading (the spare's plaintext was not kept): issued now, after the script.
    at('2026-03-12T10:00:00.000Z');
    spare = (await call(t.url, 'POST', `/platform-api/operators/${operatorId}/api-keys`, { key: platformKey, body: { label: `reader of ${spareId}` } })).body.data.key;
  });

  it("shows a key as it was at an instant: its label then, who changed it, and whether it could authenticate (its operator's status then)", async () => {
    const renamed = await keyHistory('?asOf=2026-03-02T12:00:00Z');
    const suspended = await keyHistory('?asOf=2026-03-03T12:00:00Z');
    const revoked = await keyHistory('?asOf=2026-03-11T12:00:00Z');

    expect(renamed.status).toBe(200);
    expect(renamed.body.asOf).toEqual({
      at: '2026-03-02T12:00:00.000Z',
      state: { tier: 'verified', issuedBy: 'platform', label: 'Renamed', revoked: false, operatorStatus: 'active', couldAuthenticate: true },
      event: expect.objectContaining({ type: 'ApiKeyRenamed', at: '2026-03-02T10:00:00.000Z', actor: { kind: 'key', id: keyId }, summary: 'key renamed' }),
    });
    expect(renamed.body.data.map((entry: { type: string }) => entry.type)).toEqual(['ApiKeyIssued', 'ApiKeyRenamed']);
    expect(suspended.body.asOf.state).toMatchObject({ label: 'Renamed', revoked: false, operatorStatus: 'suspended', couldAuthenticate: false });
    expect(revoked.body.asOf).toMatchObject({ state: { revoked: true, operatorStatus: 'active', couldAuthenticate: false }, event: { type: 'ApiKeyRevoked', summary: 'key revoked by the operator' } });
  });

  it('answers a state of null, and no event, before the subject existed', async () => {
    const before = await keyHistory('?asOf=2026-03-01T09:30:00Z');

    expect(before.body.asOf).toEqual({ at: '2026-03-01T09:30:00.000Z', state: null });
    expect(before.body.data).toEqual([]);
  });

  it('keeps the entries from `from` to `to`, inclusive, and pages them', async () => {
    const window = await keyHistory('?from=2026-03-02T10:00:00Z&to=2026-03-11T10:00:00Z');
    const first = await keyHistory('?limit=1');
    const second = await keyHistory(`?limit=1&cursor=${first.body.pagination.nextCursor}`);

    expect(window.body.data.map((entry: { type: string; at: string }) => [entry.type, entry.at])).toEqual([
      ['ApiKeyRenamed', '2026-03-02T10:00:00.000Z'],
      ['ApiKeyRevoked', '2026-03-11T10:00:00.000Z'],
    ]);
    expect(window.body.asOf).toBeUndefined();
    expect([first.body.data[0].type, second.body.data[0].type]).toEqual(['ApiKeyIssued', 'ApiKeyRenamed']);
  });

  it('shows an operator at an instant: status, plan and its active keys then, and never its contact e-mail', async () => {
    const history = await call(t.url, 'GET', `/platform-api/operators/${operatorId}/history?asOf=2026-03-03T12:00:00Z`, { key: platformKey });
    const later = await call(t.url, 'GET', `/platform-api/operators/${operatorId}/history?asOf=2026-03-05T00:00:00Z`, { key: platformKey });

    expect(history.body.asOf).toEqual({
      at: '2026-03-03T12:00:00.000Z',
      state: { status: 'suspended', name: 'Lucky Spin Casino', plan: 'starter', industry: 'igaming', activeKeys: 2 },
      event: expect.objectContaining({ type: 'OperatorSuspended', summary: 'operator suspended: its keys, tokens and sessions refused' }),
    });
    expect(later.body.asOf.state).toMatchObject({ status: 'active', plan: 'enterprise' });
    expect(JSON.stringify([history.body, later.body])).not.toContain('admin@luckyspin.com');
  });

  it('shows an operator token at an instant with the child keys that existed and were live then', async () => {
    const tokenHistory = (query: string) => call(t.url, 'GET', `/api/v1/operator-tokens/${tokenId}/history${query}`, { key: spareKey() });

    const twoLive = await tokenHistory('?asOf=2026-03-08T12:00:00Z');
    const oneLive = await tokenHistory('?asOf=2026-03-09T12:00:00Z');
    const revoked = await tokenHistory('?asOf=2026-03-10T12:00:00Z');
    const before = await tokenHistory('?asOf=2026-03-06T09:00:00Z');

    expect(twoLive.body.asOf.state).toEqual({
      revoked: false,
      revokedAt: null,
      monthlyQuotaSubmissions: 50,
      childQuotaPct: 100,
      operatorStatus: 'active',
      couldMintChildren: true,
      children: [
        { keyId: childA.keyId, live: true },
        { keyId: childB.keyId, live: true },
      ],
      liveChildren: 2,
    });
    expect(oneLive.body.asOf.state).toMatchObject({ children: [{ keyId: childA.keyId, live: false }, { keyId: childB.keyId, live: true }], liveChildren: 1 });
    expect(revoked.body.asOf.state).toMatchObject({ revoked: true, revokedAt: '2026-03-10T10:00:00.000Z', couldMintChildren: false, liveChildren: 0 });
    expect(before.body.asOf.state).toBeNull();
    expect(twoLive.body.data.map((entry: { type: string; summary: string }) => [entry.type, entry.summary])).toEqual([
      ['OperatorTokenMinted', 'operator token minted (50 submissions a month, 100% per child)'],
      ['ChildKeyMinted', `child key minted by operator token ${tokenId} for agent ${childA.agentId}`],
      ['ChildKeyMinted', `child key minted by operator token ${tokenId} for agent ${childB.agentId}`],
    ]);
    const all = await tokenHistory('');
    expect(all.body.data.map((entry: { type: string }) => entry.type)).toEqual(['OperatorTokenMinted', 'ChildKeyMinted', 'ChildKeyMinted', 'ChildKeyRevoked', 'OperatorTokenRevoked', 'ChildKeyRevoked']);
    expect(JSON.stringify(all.body)).not.toMatch(/tokenHash|keyHash|oh_op_|oh_live_/);
  });

  it('shows a child key at an instant: its token, its agent, and whether it could authenticate', async () => {
    const live = await call(t.url, 'GET', `/api-keys/${childA.keyId}/history?asOf=2026-03-08T00:00:00Z`, { key: spareKey() });
    const revoked = await call(t.url, 'GET', `/api-keys/${childA.keyId}/history?asOf=2026-03-09T12:00:00Z`, { key: spareKey() });

    expect(live.body.asOf.state).toEqual({ tier: 'operator_child', tokenId, agentId: childA.agentId, revoked: false, operatorStatus: 'active', couldAuthenticate: true });
    expect(revoked.body.asOf.state).toMatchObject({ revoked: true, couldAuthenticate: false });
  });

  it.each([
    ['?asOf=yesterday', 'asOf'],
    ['?from=2026-03-02T25:00:00Z', 'from'],
    ['?to=2026-13-01T00:00:00Z', 'to'],
    ['?from=2026-03-05T00:00:00Z&to=2026-03-01T00:00:00Z', 'from'],
  ])('refuses %s: 400 VALIDATION_FAILED naming the field', async (query, field) => {
    const reply = await keyHistory(query);

    expect([reply.status, reply.body.error.code, reply.body.error.details.map((problem: { field: string }) => problem.field)]).toEqual([400, 'VALIDATION_FAILED', [field]]);
  });

  it('answers a foreign or unknown token with 404 UNKNOWN_OPERATOR_TOKEN', async () => {
    const unknown = await call(t.url, 'GET', '/api/v1/operator-tokens/00000000-0000-4000-8000-000000000000/history', { key: spareKey() });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'UNKNOWN_OPERATOR_TOKEN']);
  });
});

describe("Audit history of an entity: that it existed and was erased, and nothing more", () => {
  let t: TestApp;
  let now = Date.parse('2026-04-01T10:00:00.000Z');

  beforeAll(async () => {
    t = await startTestApp({}, undefined, { clock: () => now });
  });
  afterAll(async () => t.close());

  it('shows when an entity was created, updated and erased, by whom, and never its data, before or after the erasure', async () => {
    const operator = await igamingOperator(t);
    const player = (first_name: string) => ({
      entityType: 'player',
      externalId: 'player_audit',
      data: { first_name, last_name: 'Wilson', email: 'james.wilson@example.com', country: 'GB', currency: 'GBP' },
    });
    now = Date.parse('2026-04-02T10:00:00.000Z');
    expect((await call(t.url, 'POST', '/operator-data-api/entities', { key: operator.key, body: player('James') })).status).toBe(201);
    now = Date.parse('2026-04-03T10:00:00.000Z');
    expect((await call(t.url, 'POST', '/operator-data-api/entities', { key: operator.key, body: player('Jim') })).status).toBe(200);
    const live = await call(t.url, 'GET', '/operator-data-api/entities/player_audit/history?asOf=2026-04-03T12:00:00Z', { key: operator.key });
    now = Date.parse('2026-04-04T10:00:00.000Z');
    expect((await call(t.url, 'DELETE', '/operator-data-api/entities/player_audit', { key: operator.key })).status).toBe(200);

    const erased = await call(t.url, 'GET', '/operator-data-api/entities/player_audit/history?asOf=2026-04-05T00:00:00Z', { key: operator.key });
    const before = await call(t.url, 'GET', '/operator-data-api/entities/player_audit/history?asOf=2026-04-02T12:00:00Z', { key: operator.key });

    expect(live.body.asOf.state).toEqual({ status: 'live', entityType: 'player' });
    expect(erased.status).toBe(200);
    expect(erased.body.data.map((entry: { type: string; at: string; summary: string; data: object }) => [entry.type, entry.at, entry.summary, entry.data])).toEqual([
      ['EntityCreated', '2026-04-02T10:00:00.000Z', 'entity created (player)', {}],
      ['EntityUpdated', '2026-04-03T10:00:00.000Z', 'entity updated', {}],
      ['EntityErased', '2026-04-04T10:00:00.000Z', 'entity erased (GDPR): its data key destroyed, its data unreadable everywhere', {}],
    ]);
    expect(erased.body.asOf).toMatchObject({ state: { status: 'erased', entityType: 'player' }, event: { type: 'EntityErased', data: {} } });
    expect(before.body.asOf.state).toEqual({ status: 'live', entityType: 'player' });
    const text = JSON.stringify([live.body, erased.body, before.body]);
    for (const personal of ['James', 'Jim', 'Wilson', 'james.wilson@example.com', 'player_audit', '"v":', 'ciphertext']) expect(text).not.toContain(personal);
    const unknown = await call(t.url, 'GET', '/operator-data-api/entities/player_nobody/history', { key: operator.key });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'ENTITY_NOT_FOUND']);
  });
});
