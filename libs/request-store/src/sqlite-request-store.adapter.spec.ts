import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { requestStoreContract } from './request-store.contract';
import type { QuotaLimit, QuotaOutcome } from './request-store.port';
import { SqliteRequestStore } from './sqlite-request-store.adapter';

const ROOT = resolve(__dirname, '../../..');

/**
 * A second OS process using this adapter on the same file: Node loads the TypeScript sources through
 * @swc/core (as Jest does) and maps `@onehazel/*` to `libs/x/src`. It opens the store, says `ready`, reads
 * a start time (epoch ms) on stdin and waits for it without yielding, so that both processes start within
 * the same millisecond; then it consumes `count` uses `${prefix}${i}` (the pool's limit, and a child bucket
 * of limit 1 of its own each) one after the other, 1 ms apart, and prints their outcomes as JSON.
 */
const QUOTA_PROCESS = String.raw`
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');
const [file, pool, limit, prefix, count, expiresAt] = process.argv.slice(1);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const lib = /^@onehazel\/([\w-]+)$/.exec(request);
  return resolveFilename.call(this, lib ? join(process.cwd(), 'libs', lib[1], 'src') : request, ...rest);
};
Module._extensions['.ts'] = (module, filename) => {
  const options = { filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } };
  module._compile(transformSync(readFileSync(filename, 'utf8'), options).code, filename);
};
const { SqliteRequestStore } = require(join(process.cwd(), 'libs/request-store/src/sqlite-request-store.adapter.ts'));
const store = new SqliteRequestStore(file);
process.stdout.write('ready\n');
process.stdin.once('data', async (line) => {
  const startAt = Number(String(line).trim());
  while (Date.now() < startAt);
  const outcomes = [];
  for (let i = 0; i < Number(count); i++) {
    const limits = [{ bucket: pool, limit: Number(limit) }, { bucket: prefix + i, limit: 1 }];
    outcomes.push(await store.consume(prefix + i, limits, Number(expiresAt)));
    // A pause between uses, as between requests: the other process gets the lock in between.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await store.close();
  process.stdout.write(JSON.stringify(outcomes) + '\n');
  process.stdin.destroy();
});`;

type QuotaProcess = Readonly<{ ready: Promise<void>; startAt: (time: number) => void; outcomes: Promise<QuotaOutcome[]> }>;

function quotaProcess(file: string, pool: QuotaLimit, prefix: string, count: number, expiresAt: number): QuotaProcess {
  const child = spawn(process.execPath, ['-e', QUOTA_PROCESS, file, pool.bucket, String(pool.limit), prefix, String(count), String(expiresAt)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  const ready = new Promise<void>((resolveReady, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.startsWith('ready\n')) resolveReady();
    });
    child.once('exit', () => reject(new Error(`the quota process exited before it was ready: ${out}`)));
  });
  const outcomes = once(child, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`the quota process exited with ${String(code)}: ${out}`);
    return JSON.parse(out.slice('ready\n'.length)) as QuotaOutcome[];
  });
  return { ready, startAt: (time) => child.stdin.write(`${time}\n`), outcomes };
}

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

  it('keeps the newest stream snapshot across two connections to one file (two processes), and across a reopen', async () => {
    const a = openStore();
    const b = openStore();
    const snapshot = (revision: bigint) => ({ stream: 'optokens-op_1', revision, position: `${revision}/${revision}`, state: `{"r":${revision}}` });
    await a.saveSnapshot(snapshot(5n));
    await b.saveSnapshot(snapshot(3n));
    expect(await b.loadSnapshot('optokens-op_1')).toEqual(snapshot(5n));
    await b.saveSnapshot(snapshot(9n));
    await a.saveSnapshot(snapshot(9n));
    await a.saveSnapshot(snapshot(8n));
    expect(await a.loadSnapshot('optokens-op_1')).toEqual(snapshot(9n));
    await a.close();
    await b.close();
    expect(await openStore().loadSnapshot('optokens-op_1')).toEqual(snapshot(9n));
  });

  it('adds the snapshot table to a file made before it, keeping its records', async () => {
    const old = new Database(file);
    old.exec(`CREATE TABLE rate_windows (bucket TEXT NOT NULL, window_start INTEGER NOT NULL, hits INTEGER NOT NULL,
      expires_at INTEGER NOT NULL, PRIMARY KEY (bucket, window_start)) WITHOUT ROWID`);
    old.prepare('INSERT INTO rate_windows VALUES (?, ?, 4, ?)').run('ip:1', t0, t0 + MINUTE);
    old.close();
    const store = openStore();
    expect(await store.hit('ip:1', MINUTE, t0)).toEqual({ hits: 5, resetAt: t0 + MINUTE });
    await expect(store.loadSnapshot('s')).resolves.toBeNull();
    await store.saveSnapshot({ stream: 's', revision: 1n, position: '2/2', state: '{}' });
    expect(await store.loadSnapshot('s')).toEqual({ stream: 's', revision: 1n, position: '2/2', state: '{}' });
  });

  describe('leases', () => {
    it('shares a lease between two connections to one file (two processes): refused while live, taken over once expired', async () => {
      const a = openStore();
      const b = openStore();
      expect(await a.claimLease('projections', 'p_a', t0, MINUTE)).toEqual({ name: 'projections', owner: 'p_a', expiresAt: t0 + MINUTE });
      expect(await b.claimLease('projections', 'p_b', t0 + 1, MINUTE)).toEqual({ name: 'projections', owner: 'p_a', expiresAt: t0 + MINUTE });
      expect(await a.claimLease('projections', 'p_a', t0 + 30_000, MINUTE)).toEqual({ name: 'projections', owner: 'p_a', expiresAt: t0 + 90_000 });
      expect(await b.claimLease('projections', 'p_b', t0 + MINUTE, MINUTE)).toEqual({ name: 'projections', owner: 'p_a', expiresAt: t0 + 90_000 });
      // p_a died: its lease runs out, and the standby takes it.
      expect(await b.claimLease('projections', 'p_b', t0 + 90_000, MINUTE)).toEqual({ name: 'projections', owner: 'p_b', expiresAt: t0 + 150_000 });
      expect(await a.claimLease('projections', 'p_a', t0 + 90_001, MINUTE)).toEqual({ name: 'projections', owner: 'p_b', expiresAt: t0 + 150_000 });
      await a.releaseLease('projections', 'p_a');
      await b.releaseLease('projections', 'p_b');
      expect(await a.claimLease('projections', 'p_a', t0 + 90_002, MINUTE)).toEqual({ name: 'projections', owner: 'p_a', expiresAt: t0 + 150_002 });
    });

    it('holds the write lock from reading the lease to writing it: no other connection takes it in between', async () => {
      const prepare = jest.spyOn(Database.prototype, 'prepare');
      const store = openStore();
      const readLease = prepare.mock.results
        .map((result) => result.value as Database.Statement)
        .find((statement) => statement.source === 'SELECT owner, expires_at FROM leases WHERE name = ?');
      prepare.mockRestore();
      if (!readLease) throw new Error('the store prepares no statement reading a lease');

      // Another connection (another process, as far as SQLite can tell) tries to take the free lease right
      // after this claim read it, and before it wrote it.
      const other = new Database(file, { timeout: 0 });
      let interloper: unknown = 'not run';
      const read = readLease.get.bind(readLease);
      jest.spyOn(readLease, 'get').mockImplementationOnce((...parameters: unknown[]) => {
        const row = read(...parameters);
        try {
          other.prepare('INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)').run('projections', 'p_other', t0 + MINUTE);
          interloper = 'wrote';
        } catch (error) {
          interloper = (error as { code?: string }).code;
        }
        return row;
      });
      try {
        expect(await store.claimLease('projections', 'p_a', t0, MINUTE)).toEqual({ name: 'projections', owner: 'p_a', expiresAt: t0 + MINUTE });
        expect(interloper).toBe('SQLITE_BUSY');
        expect(await store.claimLease('projections', 'p_other', t0 + 1, MINUTE)).toEqual({ name: 'projections', owner: 'p_a', expiresAt: t0 + MINUTE });
      } finally {
        other.close();
      }
    });

    it('adds the lease table to a file made before it, keeping its records', async () => {
      const old = new Database(file);
      old.exec(`CREATE TABLE rate_windows (bucket TEXT NOT NULL, window_start INTEGER NOT NULL, hits INTEGER NOT NULL,
        expires_at INTEGER NOT NULL, PRIMARY KEY (bucket, window_start)) WITHOUT ROWID`);
      old.prepare('INSERT INTO rate_windows VALUES (?, ?, 4, ?)').run('ip:1', t0, t0 + MINUTE);
      old.close();
      const store = openStore();
      expect(await store.hit('ip:1', MINUTE, t0)).toEqual({ hits: 5, resetAt: t0 + MINUTE });
      expect(await store.claimLease('projections', 'p_a', t0, MINUTE)).toEqual({ name: 'projections', owner: 'p_a', expiresAt: t0 + MINUTE });
    });
  });

  describe('quota counters', () => {
    const expiresAt = t0 + 31 * 24 * 60 * MINUTE;
    const pool: QuotaLimit = { bucket: 'pool:op_1:2027-01', limit: 40 };
    const child = (i: number): QuotaLimit => ({ bucket: `child:key_${i}:2027-01`, limit: 1 });
    const countedPools = (outcomes: QuotaOutcome[]) =>
      outcomes.filter((o) => o.outcome === 'counted').map((o) => o.used[0]);

    it('counts exactly up to the limit with uses taken in turn by two connections to one file (two processes)', async () => {
      const stores = [openStore(), openStore()];
      const outcomes: QuotaOutcome[] = [];
      for (let i = 0; i < 50; i++) outcomes.push(await stores[i % 2]!.consume(`use_${i}`, [pool, child(i)], expiresAt));
      expect(countedPools(outcomes)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(outcomes.slice(40)).toEqual(Array.from({ length: 10 }, () => ({ outcome: 'refused', refusedBy: 0, used: [40, 0] })));
      // Concurrently too, and what one connection counted the other refunds and reads.
      const more = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2]!.consume(`more_${i}`, [pool, child(100 + i)], expiresAt)));
      expect(more.every((o) => o.outcome === 'refused')).toBe(true);
      await stores[1]!.refund('use_0');
      await stores[1]!.refund('use_2');
      expect(await stores[0]!.consume('use_0', [pool, child(0)], expiresAt)).toEqual({ outcome: 'counted', used: [39, 1] });
      expect(await stores[0]!.consume('use_1', [pool, child(1)], expiresAt)).toEqual({ outcome: 'already', used: [39, 1] });
      expect(await stores[1]!.usage([pool.bucket, child(0).bucket, child(2).bucket])).toEqual(
        new Map([[pool.bucket, 39], [child(0).bucket, 1], [child(2).bucket, 0]]),
      );
    });

    it('counts exactly up to the limit with uses taken at once by two OS processes on one file', async () => {
      openStore(); // the file and its tables, before either process opens it
      const processes = [quotaProcess(file, pool, 'a_', 25, expiresAt), quotaProcess(file, pool, 'b_', 25, expiresAt)];
      await Promise.all(processes.map((p) => p.ready));
      const startAt = Date.now() + 100;
      for (const p of processes) p.startAt(startAt);
      const [a, b] = await Promise.all(processes.map((p) => p.outcomes));
      // Between them, every value of the pool from 1 to 40 was counted once: by one process or the other.
      const countedBy = new Map([...countedPools(a!).map((used) => [used, 'a'] as const), ...countedPools(b!).map((used) => [used, 'b'] as const)]);
      expect(countedPools([...a!, ...b!])).toHaveLength(40);
      expect([...countedBy.keys()].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect([...a!, ...b!].filter((o) => o.outcome === 'refused')).toEqual(
        Array.from({ length: 10 }, () => ({ outcome: 'refused', refusedBy: 0, used: [40, 0] })),
      );
      expect(await openStore().usage([pool.bucket])).toEqual(new Map([[pool.bucket, 40]]));
      // They did run at once: the pool's next value went now to one process, now to the other (nearly every time, as run here).
      const turns = Array.from({ length: 39 }, (_, i) => countedBy.get(i + 1) !== countedBy.get(i + 2)).filter(Boolean).length;
      expect(turns).toBeGreaterThanOrEqual(10);
    }, 20_000);

    it('holds the write lock from reading the counters to recording the use: no other connection writes in between', async () => {
      const prepare = jest.spyOn(Database.prototype, 'prepare');
      const store = openStore();
      const readCounter = prepare.mock.results
        .map((result) => result.value as Database.Statement)
        .find((statement) => statement.source === 'SELECT used FROM quota_counters WHERE bucket = ?');
      prepare.mockRestore();
      if (!readCounter) throw new Error('the store prepares no statement reading a quota counter');

      // Another connection (another process, as far as SQLite can tell) tries to take the last place under
      // the limit right after this use read the counter, and before it raised it.
      const other = new Database(file, { timeout: 0 });
      let interloper: unknown = 'not run';
      const read = readCounter.get.bind(readCounter);
      jest.spyOn(readCounter, 'get').mockImplementationOnce((...parameters: unknown[]) => {
        const row = read(...parameters);
        try {
          other
            .prepare(`INSERT INTO quota_counters (bucket, used, expires_at) VALUES (?, 1, ?) ON CONFLICT (bucket) DO UPDATE SET used = used + 1`)
            .run(child(1).bucket, expiresAt);
          interloper = 'wrote';
        } catch (error) {
          interloper = (error as { code?: string }).code;
        }
        return row;
      });
      try {
        expect(await store.consume('use_1', [child(1)], expiresAt)).toEqual({ outcome: 'counted', used: [1] });
        expect(interloper).toBe('SQLITE_BUSY');
        expect(await store.usage([child(1).bucket])).toEqual(new Map([[child(1).bucket, 1]]));
      } finally {
        other.close();
      }
    });

    it('uses an index for every statement: no table is scanned, nothing sorted in a temporary table', async () => {
      const prepare = jest.spyOn(Database.prototype, 'prepare');
      const store = openStore();
      const sources = prepare.mock.calls.map(([sql]) => sql).filter((sql) => !/^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(sql));
      prepare.mockRestore();
      await store.ping();
      const db = new Database(file, { readonly: true });
      try {
        const problems = sources.flatMap((sql) =>
          (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array.from(sql.matchAll(/\?/g), () => 'x')) as { detail: string }[])
            .map(({ detail }) => detail)
            .filter((detail) => (detail.startsWith('SCAN ') && !/^SCAN (CONSTANT ROW|json_each VIRTUAL TABLE)/.test(detail)) || detail.includes('TEMP B-TREE'))
            .map((detail) => `${sql.replace(/\s+/g, ' ')}: ${detail}`),
        );
        expect(sources.some((sql) => sql.includes('quota_counters'))).toBe(true);
        expect(problems).toEqual([]);
      } finally {
        db.close();
      }
    });

    it('adds the quota tables to a file made before them, keeping its records', async () => {
      const old = new Database(file);
      old.exec(`CREATE TABLE rate_windows (bucket TEXT NOT NULL, window_start INTEGER NOT NULL, hits INTEGER NOT NULL,
        expires_at INTEGER NOT NULL, PRIMARY KEY (bucket, window_start)) WITHOUT ROWID`);
      old.prepare('INSERT INTO rate_windows VALUES (?, ?, 4, ?)').run('ip:1', t0, t0 + MINUTE);
      old.close();
      const store = openStore();
      expect(await store.hit('ip:1', MINUTE, t0)).toEqual({ hits: 5, resetAt: t0 + MINUTE });
      expect(await store.consume('use_1', [pool], expiresAt)).toEqual({ outcome: 'counted', used: [1] });
    });
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
