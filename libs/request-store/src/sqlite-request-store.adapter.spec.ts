import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { requestStoreContract } from './request-store.contract';
import { SqliteRequestStore } from './sqlite-request-store.adapter';

requestStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oh-rs-'));
  const store = new SqliteRequestStore(join(dir, 'requests.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteRequestStore files', () => {
  const MINUTE = 60_000;
  const t0 = 1_800_000_000_000;
  let dir: string;
  let file: string;
  const open: SqliteRequestStore[] = [];
  const openStore = () => {
    const store = new SqliteRequestStore(file);
    open.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oh-rs-'));
    file = join(dir, 'requests.db');
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const request = { token: 'token_a', commandId: 'cmd_a', owner: 'owner_a', scope: 'ops', key: 'key_1', fingerprint: 'POST /things #a', now: t0, lockMs: MINUTE, ttlMs: 60 * MINUTE };

  it('shares rate windows between two connections to one file (two processes)', async () => {
    const a = openStore();
    const b = openStore();
    expect(await a.hit('ip:1', MINUTE, t0)).toEqual({ hits: 1, resetAt: t0 + MINUTE });
    expect(await b.hit('ip:1', MINUTE, t0 + 1)).toEqual({ hits: 2, resetAt: t0 + MINUTE });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).hit('ip:1', MINUTE, t0 + i)));
    expect(results.map((r) => r.hits).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 3));
    expect(await a.hit('ip:1', MINUTE, t0)).toEqual({ hits: 23, resetAt: t0 + MINUTE });
  });

  it('shares idempotency claims between two connections to one file (two processes)', async () => {
    const a = openStore();
    const b = openStore();
    const outcomes = await Promise.all([a.claim(request), b.claim(request)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['claimed', 'in_flight']);
    expect(await b.claim({ ...request, fingerprint: 'POST /things #b' })).toEqual({ outcome: 'mismatch' });
    await a.complete('ops', 'key_1', 'token_a', 201, 'answer', 'thing_1');
    expect(await b.claim(request)).toEqual({ outcome: 'done', status: 201, response: 'answer' });
    expect(await b.purgeSubject('ops', 'thing_1')).toBe(1);
    expect(await a.claim(request)).toEqual({ outcome: 'claimed', commandId: 'cmd_a' });
    await b.release('ops', 'key_1', 'token_a');
    expect(await a.claim({ ...request, fingerprint: 'POST /things #b' })).toEqual({ outcome: 'claimed', commandId: 'cmd_a' });
    expect(await b.sweep(t0 + 60 * MINUTE + 1)).toBe(1);
  });

  it('keeps counters and records across close and reopen', async () => {
    const first = openStore();
    await first.hit('ip:1', MINUTE, t0);
    await first.claim(request);
    await first.complete('ops', 'key_1', 'token_a', 200, 'kept', null);
    await first.close();
    const second = openStore();
    expect(await second.hit('ip:1', MINUTE, t0)).toEqual({ hits: 2, resetAt: t0 + MINUTE });
    expect(await second.claim(request)).toEqual({ outcome: 'done', status: 200, response: 'kept' });
  });

  it('opens a file made before claims had a command id and an owner, keeping its records', async () => {
    const old = new Database(file);
    old.exec(`CREATE TABLE idempotency (scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, token TEXT NOT NULL,
      state TEXT NOT NULL, status INTEGER, response TEXT, subject TEXT, locked_until INTEGER NOT NULL, expires_at INTEGER NOT NULL,
      PRIMARY KEY (scope, key)) WITHOUT ROWID`);
    old.prepare(`INSERT INTO idempotency VALUES ('ops', 'old', 'POST /things #a', 't', 'done', 201, 'kept', NULL, 0, ?)`).run(t0 + MINUTE);
    old.close();
    const store = openStore();
    expect(await store.claim({ ...request, key: 'old' })).toEqual({ outcome: 'done', status: 201, response: 'kept' });
    expect(await store.claim(request)).toEqual({ outcome: 'claimed', commandId: 'cmd_a' });
  });
});
