import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createWriteProgram as eventLogWrites } from '../../../libs/event-store/src/sqlite-event-log.program';
import { createWriteProgram as keyStoreWrites } from '../../../libs/key-store/src/sqlite-key-store.program';
import { createWriteProgram as readStoreWrites, toWire } from '../../../libs/read-store/src/sqlite-read-store.program';
import { CheckpointMove, DocumentChange, SqliteReadStore } from '@onehazel/read-store';
import { allProjections } from '@onehazel/projections';
import { LastUsedRecorder } from '../src/auth/last-used';
import { call, igamingOperator, operatorInput, startTestApp, TestApp } from './harness';

/**
 * Every statement the embedded backend prepares, while the API, the projector and the CLI's use cases run
 * every route, goes through EXPLAIN QUERY PLAN: none may scan a table or a read-model collection, or sort
 * in a temporary B-tree. A query that reads more as the data grows fails here, whatever the data size of
 * the test (the plans are the same at 10 documents as at 100,000).
 */

type Prepared = { db: Database.Database; sql: string };

/** What a plan may show that is no scan of stored data: the constant row of `SELECT 1`, a JSON array given as a parameter. */
const HARMLESS_SCANS = [/^SCAN CONSTANT ROW$/, /^SCAN json_each VIRTUAL TABLE/];
/**
 * Statements that may pin only the collection: a rebuild clears its read models on purpose, and a page of
 * a whole collection in id order (the CLI's platform list) stops at its LIMIT, filtering nothing out.
 */
const WHOLE_COLLECTION = [
  /^DELETE FROM documents WHERE collection = \?$/,
  // The rebuild's swap moves a whole shadow collection onto its live name, on purpose.
  /^UPDATE documents SET collection = \? WHERE collection = \?$/,
  /^SELECT doc FROM documents WHERE collection = '\w+' (AND id > \? )?ORDER BY id LIMIT \?$/,
];

function parameters(sql: string): unknown[] {
  const positional = (sql.match(/\?/g) ?? []).length;
  const named = [...sql.matchAll(/@(\w+)/g)].map((match) => match[1]!);
  const values: unknown[] = Array.from({ length: positional }, () => 'x');
  if (named.length > 0) values.push(Object.fromEntries(named.map((name) => [name, 'x'])));
  return values;
}

/** The plan's problems: scans of stored data, temporary sorts, and searches that pin only the collection. */
export function planProblems(db: Database.Database, sql: string): string[] {
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters(sql)) as { detail: string }[];
  const wholeCollection = WHOLE_COLLECTION.some((allowed) => allowed.test(sql.replace(/\s+/g, ' ').trim()));
  return plan
    .map((row) => row.detail)
    .filter(
      (detail) =>
        (detail.startsWith('SCAN ') && !HARMLESS_SCANS.some((harmless) => harmless.test(detail))) ||
        detail.includes('TEMP B-TREE') ||
        (!wholeCollection && /USING (PRIMARY KEY|INDEX \w+) \(collection=\?\)$/.test(detail)),
    );
}

describe('query plans of the embedded backend', () => {
  let t: TestApp;
  const prepared: Prepared[] = [];
  let spy: jest.SpyInstance;
  let commits: jest.SpyInstance<Promise<void>, [readonly CheckpointMove[], readonly DocumentChange[]]>;
  let recordTimes: jest.SpyInstance;
  const extraConnections: Database.Database[] = [];

  beforeAll(async () => {
    spy = jest.spyOn(Database.prototype, 'prepare');
    commits = jest.spyOn(SqliteReadStore.prototype, 'commitAll');
    recordTimes = jest.spyOn(SqliteReadStore.prototype, 'recordTime');
    t = await startTestApp();
  });
  afterAll(async () => {
    spy.mockRestore();
    commits.mockRestore();
    recordTimes.mockRestore();
    for (const db of extraConnections) db.close();
    await t.close();
  });

  /** Runs every route and every background path, so that each statement the product issues is prepared. */
  async function exerciseEverything(): Promise<void> {
    const platform = await t.registerPlatform('Plans');
    await t.admin.list();
    const operator = await igamingOperator(t, platform.key);
    const { key, operatorId } = operator;
    const as = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      call(t.url, method, path, { key, body, headers });
    const asPlatform = (method: string, path: string, body?: unknown) => call(t.url, method, path, { key: platform.key, body });

    for (let i = 0; i < 3; i++) await asPlatform('POST', '/platform-api/operators', operatorInput({ name: `Op ${i}` }));
    const operators = await asPlatform('GET', '/platform-api/operators?limit=2');
    await asPlatform('GET', `/platform-api/operators?limit=2&cursor=${operators.body.pagination.nextCursor}`);
    await asPlatform('GET', `/platform-api/operators?status=active&limit=2`);
    await asPlatform('GET', `/platform-api/operators/${operatorId}`);
    await asPlatform('PUT', `/platform-api/operators/${operatorId}`, { plan: 'enterprise' });
    await asPlatform('GET', `/platform-api/operators/${operatorId}/history`);
    const platformKey = await asPlatform('POST', `/platform-api/operators/${operatorId}/api-keys`, { label: 'by platform' });
    await asPlatform('GET', `/platform-api/operators/${operatorId}/api-keys`);
    await asPlatform('DELETE', `/platform-api/operators/${operatorId}/api-keys/${platformKey.body.data.id}`);

    const second = await as('POST', '/api-keys', { operatorId, label: 'second' });
    const keys = await as('GET', '/api-keys?limit=1');
    await as('GET', `/api-keys?limit=1&cursor=${keys.body.pagination.nextCursor}`);
    await as('PATCH', '/api-keys', { id: second.body.data.id, label: 'renamed' });
    await as('DELETE', `/api-keys?id=${second.body.data.id}`);
    await as('DELETE', `/api-keys?id=${second.body.data.id}&hard=true`);
    await as('GET', `/api-keys/${operator.keyId}/history`);

    await as('GET', '/operator-data-api/settings');
    const player = (externalId: string) => ({
      entityType: 'player',
      externalId,
      data: { first_name: 'Quentin', last_name: 'Plan', email: `${externalId}@example.com`, country: 'GB', currency: 'GBP' },
    });
    await as('POST', '/operator-data-api/entities', player('p1'), { 'idempotency-key': 'plans-1' });
    await as('POST', '/operator-data-api/entities', player('p1'), { 'idempotency-key': 'plans-1' });
    await as('POST', '/operator-data-api/entities', player('p1'));
    await as('POST', '/operator-data-api/entities', player('p2'));
    await as('POST', '/operator-data-api/entities', { entityType: 'game', externalId: 'g1', data: { name: 'Starburst', provider: 'NetEnt' } });
    await as('GET', '/operator-data-api/entities/p1');
    const entities = await as('GET', '/operator-data-api/entities?limit=1');
    await as('GET', `/operator-data-api/entities?limit=1&cursor=${entities.body.pagination.nextCursor}`);
    await as('GET', '/operator-data-api/entities?entityType=player&limit=1');
    await as('GET', `/operator-data-api/entities?entityType=player&limit=1&cursor=${entities.body.pagination.nextCursor}`);
    for (const amount of [5, 10]) {
      await as('POST', '/operator-data-api/events', { externalId: 'p1', eventType: 'deposit', data: { amount, ip_address: '192.0.2.1' } });
    }
    const events = await as('GET', '/operator-data-api/entities/p1/events?limit=1');
    await as('GET', `/operator-data-api/entities/p1/events?limit=1&cursor=${events.body.pagination.nextCursor}`);
    await as('GET', '/operator-data-api/entities/p1/state');
    await as('DELETE', '/operator-data-api/entities/p1');
    // A miss by the keyed hash reads again by the legacy lookup (entities of schemaVersion 1): both indexed.
    expect((await as('GET', '/operator-data-api/entities/p1')).status).toBe(404);

    // Seed 003: tokens, child keys, the quota (counted, refused, given back), revocations.
    const minted = await as('POST', '/api/v1/operator-tokens', { monthly_quota_submissions: 2 });
    const tokenId = minted.body.data.id;
    const child = await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: minted.body.data.operator_token, body: {} });
    const childKey = child.body.data.api_key;
    await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: minted.body.data.operator_token, body: {} });
    await call(t.url, 'POST', '/operator-data-api/entities', { key: childKey, body: player('p3') });
    await call(t.url, 'POST', '/operator-data-api/entities', { key: childKey, body: { entityType: 'player' } });
    await call(t.url, 'POST', '/operator-data-api/events', { key: childKey, body: { externalId: 'p3', eventType: 'deposit' } });
    expect((await call(t.url, 'POST', '/operator-data-api/events', { key: childKey, body: { externalId: 'p3', eventType: 'deposit' } })).status).toBe(429);
    await as('GET', '/api/v1/operator-tokens');
    const detail = await as('GET', `/api/v1/operator-tokens/${tokenId}?limit=1`);
    await as('GET', `/api/v1/operator-tokens/${tokenId}?limit=1&cursor=${detail.body.data.children_next_cursor}`);
    await as('GET', `/api-keys/${child.body.data.key_id}/history`);
    // The audit entries' keyset page: from a cursor, and bounded by from and to.
    const tokenHistory = await as('GET', `/api/v1/operator-tokens/${tokenId}/history?limit=1`);
    await as('GET', `/api/v1/operator-tokens/${tokenId}/history?limit=1&cursor=${tokenHistory.body.pagination.nextCursor}`);
    await as('GET', `/api/v1/operator-tokens/${tokenId}/history?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`);
    await as('DELETE', `/api-keys?id=${child.body.data.key_id}`);
    await as('DELETE', `/api/v1/operator-tokens/${tokenId}?cascade=true`);

    await asPlatform('DELETE', `/platform-api/operators/${operatorId}`);
    await asPlatform('PUT', `/platform-api/operators/${operatorId}`, { status: 'active' });
    await call(t.url, 'GET', '/ready');

    const { runtime } = t.app;
    await t.app.app.get(LastUsedRecorder).flush();
    await runtime.stores.requests.sweep(Date.now());
    await runtime.keyring.rewrapAll();
    await runtime.projector.rebuild();

    // The log's and the key store's writes run on writer threads, whose statements this thread's spy does
    // not see: their programs prepare every statement up front, so they are prepared here once more, on
    // connections of this thread to the same files.
    for (const [file, program] of [['events.db', eventLogWrites], ['keys.db', keyStoreWrites]] as const) {
      const db = new Database(join(t.dataDir, file));
      extraConnections.push(db);
      program(db);
    }
    // The read store's writes run on a writer thread too, and prepare a statement per shape of change
    // (a patch by the fields it matches) on first use: every commit and recordTime of the run above is
    // replayed through the same program on a connection of this thread, then rolled back.
    const db = new Database(join(t.dataDir, 'read.db'));
    extraConnections.push(db);
    const reads = readStoreWrites(db);
    const rollback = new Error('rolled back');
    try {
      db.transaction(() => {
        reads.ensureIndexes(allProjections.flatMap((projection) => [...projection.indexes]));
        const checkpoint = db.prepare<[string], { position: string }>('SELECT position FROM checkpoints WHERE name = ?');
        for (const [moves, changes] of commits.mock.calls) {
          const current = moves.map(({ name, next }) => ({ name, expected: checkpoint.get(name)?.position ?? null, next }));
          reads.commit({ moves: current, changes: changes.map(toWire) });
        }
        for (const [collection, id, name, at, minIntervalMs] of recordTimes.mock.calls) reads.recordTime({ collection, id, name, at, minIntervalMs });
        throw rollback;
      })();
    } catch (error) {
      if (error !== rollback) throw error;
    }
  }

  it('has no statement that scans a collection or a table, or sorts in a temporary B-tree', async () => {
    await exerciseEverything();
    for (const [index, [sql]] of spy.mock.calls.entries()) {
      const db = spy.mock.contexts[index] as Database.Database;
      if (typeof sql === 'string' && db.open && /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)/i.test(sql)) prepared.push({ db, sql });
    }
    // The read store's statements, the log's, the key store's and the request store's were all seen.
    for (const table of ['documents', 'events', 'entity_keys', 'rate_windows', 'idempotency', 'checkpoints']) {
      expect(prepared.some(({ sql }) => sql.includes(table))).toBe(true);
    }
    // The writer threads' statements too: the append's duplicate check and the key store's insert.
    expect(prepared.some(({ sql }) => sql.includes('FROM events WHERE event_id = ?'))).toBe(true);
    expect(prepared.some(({ sql }) => sql.startsWith('INSERT INTO entity_keys'))).toBe(true);
    // And the read store's: a projected document, a patch of the documents matching some fields, a key's last use.
    expect(prepared.some(({ sql }) => sql.startsWith('INSERT OR REPLACE INTO documents'))).toBe(true);
    expect(prepared.some(({ sql }) => /^UPDATE documents .*SET doc = json_set/.test(sql))).toBe(true);
    expect(prepared.some(({ sql }) => sql.startsWith('INSERT INTO documents') && sql.includes('lastUsedAt'))).toBe(true);
    const problems = prepared
      .map(({ db, sql }) => ({ sql: sql.replace(/\s+/g, ' ').trim(), problems: planProblems(db, sql) }))
      .filter((entry) => entry.problems.length > 0);
    expect(problems).toEqual([]);
  });
});
