import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { assertFreshBuild, call, operatorInput, Reply, startServer } from './harness';

const root = resolve(__dirname, '../../..');
const cliMain = join(root, 'dist/apps/cli/src/main.js');
const HOLD = join(__dirname, 'fixtures/hold-appends.js');
/** Requests of each kind in flight when the API is killed: half held after their append is durable, half before. */
const IN_FLIGHT = 6;

const player = (i: number) => ({
  entityType: 'player',
  externalId: `crash_player_${i}`,
  data: { first_name: `First${i}`, last_name: 'Crash', email: `p${i}@example.net`, country: 'GB', currency: 'GBP' },
});
const deposit = (i: number) => ({ externalId: 'crash_anchor', eventType: 'deposit', data: { amount: i + 1 } });

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('exactly once through a crash (DESIGN.md §7): SIGKILL with idempotent writes in flight, then every retry', () => {
  let dataDir: string;

  beforeAll(() => {
    assertFreshBuild();
    dataDir = mkdtempSync(join(tmpdir(), 'oh-exactly-once-'));
  });
  /** The held server never ends its requests: on a failure before the test kills it, it is killed here. */
  let afterEachKill: () => Promise<unknown> = async () => undefined;
  afterEach(async () => afterEachKill());
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('records each request once, and answers each retry with what the request did', async () => {
    const created = spawnSync(process.execPath, [cliMain, 'platform', 'create', '--name', 'Crash Platform', '--json'], {
      env: { ...process.env, DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(created.status).toBe(0);
    const platformKey = (JSON.parse(created.stdout) as { key: string }).key;

    let server = await startServer(dataDir, { NODE_OPTIONS: `--require ${HOLD}` });
    const killed = server;
    afterEachKill = () => killed.stop('SIGKILL');
    const operator = await call(server.url, 'POST', '/platform-api/operators', { key: platformKey, body: operatorInput() });
    const issued = await call(server.url, 'POST', `/platform-api/operators/${operator.body.data.id}/api-keys`, { key: platformKey, body: {} });
    const key = issued.body.data.key as string;
    expect((await call(server.url, 'PUT', '/operator-data-api/settings', { key, body: { template: 'igaming' } })).status).toBe(200);
    // The anchor's own creation is held too (the first hold lets its append through): it is counted below.
    const anchor = call(server.url, 'POST', '/operator-data-api/entities', { key, body: { ...player(0), externalId: 'crash_anchor' }, headers: { 'idempotency-key': 'anchor' } });
    await until('the anchor to be recorded', () => lines(join(dataDir, 'held')).length === 1);
    void anchor.catch(() => undefined);

    const requests = [
      ...Array.from({ length: IN_FLIGHT }, (_, i) => ({ path: '/operator-data-api/entities', body: player(i), idempotencyKey: `upsert-${i}` })),
      ...Array.from({ length: IN_FLIGHT }, (_, i) => ({ path: '/operator-data-api/events', body: deposit(i), idempotencyKey: `event-${i}` })),
    ];
    const operatorId = operator.body.data.id as string;
    const keyRequests = ['held-after-1', 'held-before-1'].map((label) => ({ path: '/api-keys', body: { operatorId, label }, idempotencyKey: label }));
    const send = (base: string, r: { path: string; body: unknown; idempotencyKey: string }): Promise<Reply> =>
      call(base, 'POST', r.path, { key, body: r.body, headers: { 'idempotency-key': r.idempotencyKey } });
    for (const r of [...requests, ...keyRequests]) void send(server.url, r).catch(() => undefined);
    await until('every request to be held in its append', () => lines(join(dataDir, 'held')).length === 1 + requests.length + keyRequests.length);
    const held = lines(join(dataDir, 'held'));
    expect(held.filter((h) => h === 'after').length).toBeGreaterThan(1);
    expect(held.filter((h) => h === 'before').length).toBeGreaterThan(1);

    await server.stop('SIGKILL');
    server = await startServer(dataDir);
    try {
      const retried = [];
      for (const r of requests) retried.push(await send(server.url, r));
      // No retry waits for a lock its dead process held, and none is answered as if it were a second request.
      expect(retried.map((reply) => reply.status)).toEqual(requests.map(() => 201));
      const upserts = retried.slice(0, IN_FLIGHT);
      expect(upserts.map((reply) => reply.body.data.action)).toEqual(upserts.map(() => 'created'));

      const log = new Database(join(dataDir, 'events.db'), { readonly: true });
      try {
        // The log names no externalId (only its keyed hash): creations are told apart by entity id. The
        // anchor's and one per upsert, each the one its retry answered.
        const created = log
          .prepare<[], { entityId: string }>(`SELECT json_extract(data, '$.entityId') AS entityId FROM events WHERE type = 'EntityCreated'`)
          .all()
          .map((row) => row.entityId);
        expect(created).toHaveLength(IN_FLIGHT + 1);
        for (const reply of upserts) expect(created.filter((id) => id === reply.body.data.id)).toHaveLength(1);
        const updates = log.prepare(`SELECT COUNT(*) AS n FROM events WHERE type = 'EntityUpdated'`).get() as { n: number };
        expect(updates.n).toBe(0);
        const recorded = log
          .prepare<[], { eventId: string }>(`SELECT json_extract(data, '$.eventId') AS eventId FROM events WHERE type = 'EntityEventRecorded'`)
          .all()
          .map((row) => row.eventId);
        expect(recorded.sort()).toEqual(retried.slice(IN_FLIGHT).map((reply) => reply.body.data.id).sort());
      } finally {
        log.close();
      }

      // A key's secret exists only in the answer that was lost: the retry says so, and which key to revoke.
      const [issuedThen, issuedNow] = [await send(server.url, keyRequests[0]!), await send(server.url, keyRequests[1]!)];
      expect([issuedThen.status, issuedThen.body.error?.code]).toEqual([409, 'KEY_SECRET_UNRECOVERABLE']);
      expect([issuedNow.status, issuedNow.body.data.key]).toEqual([201, expect.stringMatching(/^oh_live_/)]);
      const keys = await call(server.url, 'GET', '/api-keys', { key });
      const labels = keys.body.data.map((k: { label: string }) => k.label).filter((label: string) => label?.startsWith('held-'));
      expect(labels.sort()).toEqual(['held-after-1', 'held-before-1']);
      expect(keys.body.data.find((k: { label: string }) => k.label === 'held-after-1').id).toBe(issuedThen.body.error.details.keyId);

      // From now on the stored answers are replayed.
      for (const [i, r] of requests.entries()) {
        const again = await send(server.url, r);
        expect([again.status, again.headers.get('idempotent-replayed'), again.body.data]).toEqual([201, 'true', retried[i]!.body.data]);
      }
    } finally {
      await server.stop();
    }
  });
});
