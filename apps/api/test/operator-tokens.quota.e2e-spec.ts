import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestStore } from '@onehazel/request-store';
import { call, igamingOperator, startTestApp, TestApp } from './harness';
import { deposit, mintChild, mintToken, player } from './fleet';

/** Holds every quota count until `parties` are waiting, then lets them all go at once. */
function barrierOnConsume(requests: RequestStore, parties: number): { restore(): void } {
  const consume = requests.consume.bind(requests);
  const waiting: (() => void)[] = [];
  requests.consume = async (...args) => {
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length === parties) waiting.splice(0).forEach((release) => release());
    });
    return consume(...args);
  };
  return { restore: () => void (requests.consume = consume) };
}

describe('Operator tokens (seed 003): the monthly quota, exact', () => {
  let t: TestApp;
  let now: number;
  let operator: Awaited<ReturnType<typeof igamingOperator>>;

  beforeAll(async () => {
    now = Date.parse('2026-03-14T12:00:00.000Z');
    t = await startTestApp({ RATE_LIMIT_PROFESSIONAL: '100000' }, undefined, { clock: () => now });
  });
  afterAll(async () => t.close());
  beforeEach(async () => {
    now = Date.parse('2026-03-14T12:00:00.000Z');
    operator = await igamingOperator(t);
    expect((await call(t.url, 'POST', '/operator-data-api/entities', { key: operator.key, body: player() })).status).toBe(201);
  });

  const usage = async (tokenId: string) => (await call(t.url, 'GET', `/api/v1/operator-tokens/${tokenId}`, { key: operator.key })).body.data;

  it("counts each write of a child key against the token's pool, and answers 429 QUOTA_EXCEEDED with Retry-After to the reset once it is used up", async () => {
    const token = await mintToken(t, operator.key, { monthly_quota_submissions: 3 });
    const child = await mintChild(t, token.token);

    const writes = [await deposit(t, child.key), await call(t.url, 'POST', '/operator-data-api/entities', { key: child.key, body: player('player_2') }), await deposit(t, child.key)];
    const refused = await deposit(t, child.key);

    expect(writes.map((reply) => reply.status)).toEqual([201, 201, 201]);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toEqual({
      code: 'QUOTA_EXCEEDED',
      message: expect.stringContaining('monthly pool'),
      details: { limit: 'token_monthly_pool', quota: 3, used: 3, resets_at: '2026-04-01T00:00:00.000Z', retry_after_seconds: 1_512_000 },
    });
    expect(refused.headers.get('retry-after')).toBe(String(Date.parse('2026-04-01T00:00:00.000Z') / 1000 - now / 1000));
    expect(await usage(token.id)).toMatchObject({
      usage_this_month: 3,
      usage_resets_at: '2026-04-01T00:00:00.000Z',
      children: [{ key_id: child.keyId, submissions: 3 }],
    });
    // Reads are not submissions, and the operator's own keys are not counted at all.
    expect((await call(t.url, 'GET', '/operator-data-api/entities/player_1', { key: child.key })).status).toBe(200);
    expect((await deposit(t, operator.key)).status).toBe(201);
    expect((await usage(token.id)).usage_this_month).toBe(3);
  });

  it("caps each child at its share, floor(quota × pct / 100), while the other children still write", async () => {
    const token = await mintToken(t, operator.key, { monthly_quota_submissions: 10, child_quota_pct: 25 });
    const [greedy, modest] = [await mintChild(t, token.token), await mintChild(t, token.token)];

    const greedyReplies = [await deposit(t, greedy.key), await deposit(t, greedy.key), await deposit(t, greedy.key)];

    expect(greedyReplies.map((reply) => reply.status)).toEqual([201, 201, 429]);
    expect(greedyReplies[2]!.body.error.details).toMatchObject({ limit: 'child_share', quota: 2, used: 2 });
    expect((await deposit(t, modest.key)).status).toBe(201);
    expect(await usage(token.id)).toMatchObject({ usage_this_month: 3, child_share: 2 });
  });

  it('gives every child at least one submission, however small its share', async () => {
    const token = await mintToken(t, operator.key, { monthly_quota_submissions: 5, child_quota_pct: 1 });
    const child = await mintChild(t, token.token);

    expect([(await deposit(t, child.key)).status, (await deposit(t, child.key)).status]).toEqual([201, 429]);
  });

  it('counts the erasure of an entity, and neither a request that fails validation nor one that finds nothing', async () => {
    const token = await mintToken(t, operator.key, { monthly_quota_submissions: 2 });
    const child = await mintChild(t, token.token);

    const invalid = await call(t.url, 'POST', '/operator-data-api/entities', { key: child.key, body: { entityType: 'player' } });
    const unknownField = await call(t.url, 'POST', '/operator-data-api/events', { key: child.key, body: { externalId: 'player_1', eventType: 'deposit', data: {}, extra: 1 } });
    const missing = await deposit(t, child.key, 'player_nobody');
    const erasedNothing = await call(t.url, 'DELETE', '/operator-data-api/entities/player_nobody', { key: child.key });

    expect([invalid.status, unknownField.status, missing.status, erasedNothing.status]).toEqual([400, 400, 404, 404]);
    expect((await usage(token.id)).usage_this_month).toBe(0);
    expect((await call(t.url, 'DELETE', '/operator-data-api/entities/player_1', { key: child.key })).status).toBe(200);
    expect((await usage(token.id)).usage_this_month).toBe(1);
  });

  it('does not count a request replayed by its Idempotency-Key, even once the quota is used up', async () => {
    const token = await mintToken(t, operator.key, { monthly_quota_submissions: 1 });
    const child = await mintChild(t, token.token);

    const first = await deposit(t, child.key, 'player_1', { 'idempotency-key': 'deposit-1' });
    const replayed = await deposit(t, child.key, 'player_1', { 'idempotency-key': 'deposit-1' });
    const another = await deposit(t, child.key, 'player_1', { 'idempotency-key': 'deposit-2' });

    expect([first.status, replayed.status, another.status]).toEqual([201, 201, 429]);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(first.body);
    expect((await usage(token.id)).usage_this_month).toBe(1);
  });

  it('rolls the month over at 00:00 UTC on the 1st with nothing to run', async () => {
    now = Date.parse('2026-03-31T23:59:59.000Z');
    const token = await mintToken(t, operator.key, { monthly_quota_submissions: 1 });
    const child = await mintChild(t, token.token);
    expect((await deposit(t, child.key)).status).toBe(201);
    const refused = await deposit(t, child.key);
    expect([refused.status, refused.headers.get('retry-after'), refused.body.error.details.resets_at]).toEqual([429, '1', '2026-04-01T00:00:00.000Z']);

    now = Date.parse('2026-04-01T00:00:00.000Z');

    expect((await deposit(t, child.key)).status).toBe(201);
    expect(await usage(token.id)).toMatchObject({ usage_this_month: 1, usage_resets_at: '2026-05-01T00:00:00.000Z' });
    expect((await deposit(t, child.key)).status).toBe(429);
  });

  it('says a child is not floor-qualified when its token’s pool is used up this month', async () => {
    const token = await mintToken(t, operator.key, { monthly_quota_submissions: 1 });
    const first = await mintChild(t, token.token);
    expect(first.body.is_floor_qualified).toBe(true);
    expect((await deposit(t, first.key)).status).toBe(201);

    const second = await mintChild(t, token.token);

    expect(second.body.is_floor_qualified).toBe(false);
    expect((await deposit(t, second.key)).status).toBe(429);
  });

  it('gives exactly 40 of 50 children writing at the same instant against a pool of 40 (never one more)', async () => {
    const token = await mintToken(t, operator.key, { monthly_quota_submissions: 40 });
    const children = [];
    for (let i = 0; i < 50; i++) children.push(await mintChild(t, token.token));
    // Every request is authenticated and about to count before any counts: all 50 are in flight at once.
    const barrier = barrierOnConsume(t.app.runtime.stores.requests, 50);
    let replies;
    try {
      replies = await Promise.all(children.map((child) => deposit(t, child.key)));
    } finally {
      barrier.restore();
    }

    expect(replies.filter((reply) => reply.status === 201)).toHaveLength(40);
    expect(replies.filter((reply) => reply.status === 429).map((reply) => reply.body.error.details.limit)).toEqual(Array(10).fill('token_monthly_pool'));
    expect((await usage(token.id)).usage_this_month).toBe(40);
    const events = await call(t.url, 'GET', '/operator-data-api/entities/player_1/events?limit=100', { key: operator.key });
    expect(events.body.data).toHaveLength(40);
  });
});

describe('Operator tokens (seed 003): a write that was recorded stays counted', () => {
  it('keeps the count of a write answered 503 CONSISTENCY_TIMEOUT (recorded, not yet projected), and its replay adds nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oh-quota-timeout-'));
    try {
      const setup = await startTestApp({}, dir);
      const operator = await igamingOperator(setup);
      expect((await call(setup.url, 'POST', '/operator-data-api/entities', { key: operator.key, body: player() })).status).toBe(201);
      const token = await mintToken(setup, operator.key, { monthly_quota_submissions: 5 });
      const child = await mintChild(setup, token.token);
      await setup.close();
      // No projector in this process (PROJECTOR=external): every command times out waiting for the read model.
      const t = await startTestApp({ PROJECTOR: 'external', CONSISTENCY_TIMEOUT_MS: '100' }, dir);
      try {
        const idem = { 'idempotency-key': 'timed-out-deposit' };
        const timedOut = await deposit(t, child.key, 'player_1', idem);
        expect([timedOut.status, timedOut.body.error.code]).toEqual([503, 'CONSISTENCY_TIMEOUT']);
        await t.app.runtime.projector.catchUp();
        expect((await deposit(t, child.key, 'player_1', idem)).status).toBe(503);
        await t.app.runtime.projector.catchUp();
        const detail = await call(t.url, 'GET', `/api/v1/operator-tokens/${token.id}`, { key: operator.key });
        expect(detail.body.data.usage_this_month).toBe(1);
      } finally {
        await t.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
