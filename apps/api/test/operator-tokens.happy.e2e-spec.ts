import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { call, igamingOperator, startTestApp, TestApp } from './harness';
import { mintChild, mintToken, player, wholeLog } from './fleet';

const SECRET = 'operator-tokens-secret-of-at-least-32-bytes!';
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Runs a curl line of `next_steps` as curl would (its URL, -X, -H and -d), with fetch. */
async function runCurl(line: string): Promise<{ status: number; body: any }> {
  const method = /-X (\w+)/.exec(line)?.[1] ?? 'GET';
  const url = /(https?:\/\/\S+)/.exec(line)![1]!;
  const headers = Object.fromEntries([...line.matchAll(/-H "([^:]+): ([^"]+)"/g)].map((m) => [m[1]!, m[2]!]));
  const body = /-d '([^']*)'/.exec(line)?.[1];
  const reply = await fetch(url, { method, headers, body });
  return { status: reply.status, body: await reply.json() };
}

describe('Operator tokens (seed 003): minting, child keys, revocation', () => {
  let t: TestApp;
  let operator: Awaited<ReturnType<typeof igamingOperator>>;

  beforeAll(async () => {
    t = await startTestApp({ JWT_SECRET: SECRET });
  });
  afterAll(async () => t.close());
  beforeEach(async () => {
    operator = await igamingOperator(t);
  });

  it('mints a token with the defaults: its plaintext once, only its SHA-256 recorded, and next steps that work as written', async () => {
    const minted = await call(t.url, 'POST', '/api/v1/operator-tokens', { key: operator.key });

    expect(minted.status).toBe(201);
    expect(minted.body.data).toEqual({
      id: expect.stringMatching(UUID),
      label: null,
      monthly_quota_submissions: 1000,
      child_quota_pct: 100,
      created_at: expect.any(String),
      revoked_at: null,
      children_count: 0,
      usage_this_month: 0,
      operator_token: expect.stringMatching(/^oh_op_[0-9a-f]{64}$/),
      next_steps: expect.arrayContaining([expect.stringContaining('/api/v1/operator-tokens/mint-child')]),
    });
    const token: string = minted.body.data.operator_token;
    const log = JSON.stringify((await wholeLog(t)).map(({ type, data, metadata }) => ({ type, data, metadata })));
    expect(log).toContain(sha256(token));
    expect(log).not.toContain(token.slice('oh_op_'.length, -4));
    expect(t.logs.join('\n')).not.toContain(token.slice('oh_op_'.length, -4));

    const curl = (minted.body.data.next_steps as string[]).find((step) => step.startsWith('curl'))!;
    const child = await runCurl(curl);
    expect(child.status).toBe(201);
    expect(child.body.data).toMatchObject({ tier: 'operator_child', operator_token_id: minted.body.data.id, display_name: 'daemon-1' });
  });

  it('takes a label and both quota fields, and lists the active tokens without secrets', async () => {
    const first = await mintToken(t, operator.key, { label: 'eu-west fleet', monthly_quota_submissions: 500, child_quota_pct: 10 });
    const second = await mintToken(t, operator.key);

    const listed = await call(t.url, 'GET', '/api/v1/operator-tokens', { key: operator.key });

    expect(listed.status).toBe(200);
    expect(listed.body.data.tokens).toEqual([
      {
        id: first.id,
        label: 'eu-west fleet',
        monthly_quota_submissions: 500,
        child_quota_pct: 10,
        created_at: first.body.created_at,
        revoked_at: null,
        children_count: 0,
        usage_this_month: 0,
      },
      expect.objectContaining({ id: second.id, label: null }),
    ]);
    const text = JSON.stringify(listed.body);
    for (const token of [first.token, second.token]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(sha256(token));
    }
  });

  it('mints a child key under a new agent: tier operator_child, floor-qualified, usable on the data API, listed with the keys', async () => {
    const token = await mintToken(t, operator.key, { monthly_quota_submissions: 100, child_quota_pct: 5 });

    const minted = await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: token.token, body: { display_name: 'edge-daemon-eu-1' } });

    expect(minted.status).toBe(201);
    expect(minted.body.data).toEqual({
      agent_id: expect.stringMatching(UUID),
      api_key: expect.stringMatching(/^oh_live_[0-9a-f]{64}$/),
      key_id: expect.stringMatching(UUID),
      tier: 'operator_child',
      operator_token_id: token.id,
      display_name: 'edge-daemon-eu-1',
      is_floor_qualified: true,
      next_steps: expect.arrayContaining([expect.stringContaining('/operator-data-api/')]),
    });
    const child = minted.body.data;
    expect((await call(t.url, 'GET', '/operator-data-api/settings', { key: child.api_key })).status).toBe(200);
    const keys = await call(t.url, 'GET', '/api-keys', { key: operator.key });
    expect(keys.body.data).toContainEqual(
      expect.objectContaining({ id: child.key_id, tier: 'operator_child', operatorTokenId: token.id, agentId: child.agent_id, label: 'edge-daemon-eu-1', revoked: false }),
    );
    expect(keys.body.data).toContainEqual(expect.objectContaining({ id: operator.keyId, tier: 'verified', operatorTokenId: null }));
    const detail = await call(t.url, 'GET', `/api/v1/operator-tokens/${token.id}`, { key: operator.key });
    expect(detail.body.data).toMatchObject({ children_count: 1, child_share: 5, children: [{ key_id: child.key_id, agent_id: child.agent_id, submissions: 0, revoked_at: null }] });
  });

  it('names a daemon after its agent when it gives no name, and gives every daemon its own agent and key', async () => {
    const token = await mintToken(t, operator.key);

    const one = await mintChild(t, token.token);
    const two = await mintChild(t, token.token);

    expect(one.body.display_name).toBe(`agent-${one.agentId.slice(0, 8)}`);
    expect(new Set([one.agentId, two.agentId, one.keyId, two.keyId]).size).toBe(4);
    expect(one.key).not.toBe(two.key);
  });

  it('records the agent as the actor of every event its child key causes, and the key history says which token minted it', async () => {
    const token = await mintToken(t, operator.key);
    const child = await mintChild(t, token.token);

    const created = await call(t.url, 'POST', '/operator-data-api/entities', { key: child.key, body: player('player_agent'), headers: { 'x-request-id': 'agent-write-1' } });

    expect(created.status).toBe(201);
    const written = (await wholeLog(t)).find((event) => event.type === 'EntityCreated' && event.metadata.requestId === 'agent-write-1');
    expect(written?.metadata.actor).toEqual({ kind: 'agent', id: child.agentId, keyId: child.keyId, tokenId: token.id });
    const history = await call(t.url, 'GET', `/api-keys/${child.keyId}/history`, { key: operator.key });
    expect(history.status).toBe(200);
    expect(history.body.data).toEqual([
      expect.objectContaining({
        type: 'ChildKeyMinted',
        keyId: child.keyId,
        actor: { kind: 'operator-token', id: token.id },
        data: expect.objectContaining({ tokenId: token.id, agentId: child.agentId, tier: 'operator_child' }),
      }),
    ]);
    expect(JSON.stringify(history.body)).not.toContain(sha256(child.key));
  });

  it('revokes a token without its children: mint-child answers OPERATOR_TOKEN_REVOKED from the next request on, the children keep working', async () => {
    const token = await mintToken(t, operator.key);
    const child = await mintChild(t, token.token);

    const revoked = await call(t.url, 'DELETE', `/api/v1/operator-tokens/${token.id}`, { key: operator.key });

    expect(revoked.status).toBe(200);
    expect(revoked.body.data).toEqual({ id: token.id, revoked_at: expect.any(String), cascade: false, revoked_child_keys: 0 });
    const refused = await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: token.token, body: {} });
    expect([refused.status, refused.body.error.code]).toEqual([401, 'OPERATOR_TOKEN_REVOKED']);
    expect((await call(t.url, 'GET', '/operator-data-api/settings', { key: child.key })).status).toBe(200);
    expect((await call(t.url, 'GET', '/api/v1/operator-tokens', { key: operator.key })).body.data.tokens).toEqual([]);
    const detail = await call(t.url, 'GET', `/api/v1/operator-tokens/${token.id}`, { key: operator.key });
    expect(detail.body.data).toMatchObject({ revoked_at: revoked.body.data.revoked_at, children_count: 1 });
  });

  it('revokes a token with ?cascade=true and every child it minted in the same command, saying how many; again, nothing more', async () => {
    const token = await mintToken(t, operator.key);
    const children = [await mintChild(t, token.token), await mintChild(t, token.token), await mintChild(t, token.token)];
    const other = await mintToken(t, operator.key);
    const bystander = await mintChild(t, other.token);
    expect((await call(t.url, 'DELETE', `/api-keys?id=${children[0]!.keyId}`, { key: operator.key })).status).toBe(200);

    const revoked = await call(t.url, 'DELETE', `/api/v1/operator-tokens/${token.id}?cascade=true`, { key: operator.key, headers: { 'x-request-id': 'cascade-1' } });

    expect(revoked.body.data).toEqual({ id: token.id, revoked_at: expect.any(String), cascade: true, revoked_child_keys: 2 });
    for (const child of children) expect((await call(t.url, 'GET', '/operator-data-api/settings', { key: child.key })).status).toBe(401);
    expect((await call(t.url, 'GET', '/operator-data-api/settings', { key: bystander.key })).status).toBe(200);
    // One command, one append: the token's revocation and its two live children's, at consecutive revisions.
    const appended = (await wholeLog(t)).filter((event) => event.metadata.requestId === 'cascade-1');
    expect(appended.map((event) => [event.type, event.data.keyId ?? null])).toEqual([
      ['OperatorTokenRevoked', null],
      ['ChildKeyRevoked', children[1]!.keyId],
      ['ChildKeyRevoked', children[2]!.keyId],
    ]);
    expect(appended.map((event) => Number(event.revision) - Number(appended[0]!.revision))).toEqual([0, 1, 2]);
    const again = await call(t.url, 'DELETE', `/api/v1/operator-tokens/${token.id}?cascade=true`, { key: operator.key });
    expect(again.body.data).toEqual({ ...revoked.body.data, revoked_child_keys: 0 });
    expect((await call(t.url, 'GET', `/api/v1/operator-tokens/${token.id}`, { key: operator.key })).body.data.children_count).toBe(0);
  });

  it('cascades later onto the children of a token revoked without cascade', async () => {
    const token = await mintToken(t, operator.key);
    const child = await mintChild(t, token.token);
    await call(t.url, 'DELETE', `/api/v1/operator-tokens/${token.id}`, { key: operator.key });

    const cascaded = await call(t.url, 'DELETE', `/api/v1/operator-tokens/${token.id}?cascade=true`, { key: operator.key });

    expect(cascaded.body.data).toMatchObject({ cascade: true, revoked_child_keys: 1 });
    expect((await call(t.url, 'GET', '/operator-data-api/settings', { key: child.key })).status).toBe(401);
  });

  it('revokes child keys one by one through the key routes, the operator’s and its platform’s, without touching the last-active-key rule', async () => {
    const token = await mintToken(t, operator.key);
    const [one, two] = [await mintChild(t, token.token), await mintChild(t, token.token)];

    const byOperator = await call(t.url, 'DELETE', `/api-keys?id=${one.keyId}`, { key: operator.key });
    const byPlatform = await call(t.url, 'DELETE', `/platform-api/operators/${operator.operatorId}/api-keys/${two.keyId}`, { key: operator.platformKey });

    expect([byOperator.status, byPlatform.status]).toEqual([200, 200]);
    for (const child of [one, two]) expect((await call(t.url, 'GET', '/operator-data-api/settings', { key: child.key })).status).toBe(401);
    const detail = await call(t.url, 'GET', `/api/v1/operator-tokens/${token.id}`, { key: operator.key });
    expect(detail.body.data.children_count).toBe(0);
    expect(detail.body.data.children.map((child: { revoked_at: string | null }) => child.revoked_at)).toEqual([expect.any(String), expect.any(String)]);
    // The children are not the operator's keys: its one verified key is still its last.
    const last = await call(t.url, 'DELETE', `/api-keys?id=${operator.keyId}`, { key: operator.key });
    expect([last.status, last.body.error?.code]).toEqual([400, 'LAST_ACTIVE_KEY']);
    const history = await call(t.url, 'GET', `/api-keys/${one.keyId}/history`, { key: operator.key });
    expect(history.body.data.map((entry: { type: string }) => entry.type)).toEqual(['ChildKeyMinted', 'ChildKeyRevoked']);
  });

  it('renames a child key and, once revoked, deletes it for good through the key routes, as the operator’s own keys', async () => {
    const token = await mintToken(t, operator.key);
    const child = await mintChild(t, token.token, { display_name: 'edge-1' });

    const renamed = await call(t.url, 'PATCH', '/api-keys', { key: operator.key, body: { id: child.keyId, label: 'edge-1-renamed' } });
    const activeDelete = await call(t.url, 'DELETE', `/api-keys?id=${child.keyId}&hard=true`, { key: operator.key });

    expect([renamed.status, renamed.body.message]).toEqual([200, 'Key renamed']);
    expect([activeDelete.status, activeDelete.body.error.code]).toEqual([400, 'KEY_NOT_REVOKED']);
    const keyOf = async () => (await call(t.url, 'GET', '/api-keys', { key: operator.key })).body.data.find((key: { id: string }) => key.id === child.keyId);
    expect(await keyOf()).toMatchObject({ label: 'edge-1-renamed', revoked: false });
    expect((await call(t.url, 'GET', `/api/v1/operator-tokens/${token.id}`, { key: operator.key })).body.data.children).toEqual([
      expect.objectContaining({ key_id: child.keyId, display_name: 'edge-1-renamed' }),
    ]);

    expect((await call(t.url, 'DELETE', `/api-keys?id=${child.keyId}`, { key: operator.key })).status).toBe(200);
    const deleted = await call(t.url, 'DELETE', `/api-keys?id=${child.keyId}&hard=true`, { key: operator.key });

    expect([deleted.status, deleted.body.message]).toEqual([200, 'Key deleted']);
    expect(await keyOf()).toBeUndefined();
    expect((await call(t.url, 'GET', `/api/v1/operator-tokens/${token.id}`, { key: operator.key })).body.data).toMatchObject({ children_count: 0, children: [] });
    const again = await call(t.url, 'PATCH', '/api-keys', { key: operator.key, body: { id: child.keyId, label: 'x' } });
    expect([again.status, again.body.error.code]).toEqual([404, 'API_KEY_NOT_FOUND']);
    const history = await call(t.url, 'GET', `/api-keys/${child.keyId}/history`, { key: operator.key });
    expect(history.body.data.map((entry: { type: string }) => entry.type)).toEqual(['ChildKeyMinted', 'ChildKeyRenamed', 'ChildKeyRevoked', 'ChildKeyDeleted']);
  });

  it('refuses a suspended operator’s tokens and child keys on the next request, and restores them on reactivation (a revoked token stays revoked)', async () => {
    const token = await mintToken(t, operator.key);
    const child = await mintChild(t, token.token);
    const revoked = await mintToken(t, operator.key);
    await call(t.url, 'DELETE', `/api/v1/operator-tokens/${revoked.id}`, { key: operator.key });

    expect((await call(t.url, 'DELETE', `/platform-api/operators/${operator.operatorId}`, { key: operator.platformKey })).status).toBe(200);

    const minting = await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: token.token, body: {} });
    expect([minting.status, minting.body.error.code]).toEqual([401, 'OPERATOR_SUSPENDED']);
    expect((await call(t.url, 'GET', '/operator-data-api/settings', { key: child.key })).status).toBe(401);

    const reactivated = await call(t.url, 'PUT', `/platform-api/operators/${operator.operatorId}`, { key: operator.platformKey, body: { status: 'active' } });
    expect(reactivated.status).toBe(200);
    expect((await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: token.token, body: {} })).status).toBe(201);
    expect((await call(t.url, 'GET', '/operator-data-api/settings', { key: child.key })).status).toBe(200);
    const stillRevoked = await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: revoked.token, body: {} });
    expect([stillRevoked.status, stillRevoked.body.error.code]).toEqual([401, 'OPERATOR_TOKEN_REVOKED']);
  });

  it('lets an operator session mint, list, read and revoke tokens like a verified key', async () => {
    const session = await new SignJWT({ operator_id: operator.operatorId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ops-console')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));

    const minted = await call(t.url, 'POST', '/api/v1/operator-tokens', { key: session, body: { label: 'from the console' } });

    expect(minted.status).toBe(201);
    expect((await call(t.url, 'GET', '/api/v1/operator-tokens', { key: session })).body.data.tokens).toEqual([expect.objectContaining({ id: minted.body.data.id })]);
    expect((await call(t.url, 'GET', `/api/v1/operator-tokens/${minted.body.data.id}`, { key: session })).status).toBe(200);
    expect((await call(t.url, 'DELETE', `/api/v1/operator-tokens/${minted.body.data.id}`, { key: session })).status).toBe(200);
  });
});
