import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryReadStore } from './in-memory-read-store.adapter';
import { readStoreContract } from './read-store.contract';
import { Document, FindQuery, NoIndexError, ReadStore } from './read-store.port';
import { SqliteReadStore } from './sqlite-read-store.adapter';

readStoreContract('in memory', async () => {
  const store = new InMemoryReadStore();
  return { store, cleanup: () => store.close() };
});

describe('InMemoryReadStore', () => {
  let store: InMemoryReadStore;
  beforeEach(async () => {
    store = new InMemoryReadStore();
    await store.ensureIndexes([{ collection: 'things', fields: ['owner', 'rank'] }]);
  });

  it('keeps stored documents from the caller’s changes, before and after the commit', async () => {
    const document = { id: 'a', owner: 'p1', nested: { n: 1 } };
    await store.commit('main', null, '1', [{ kind: 'put', collection: 'things', document }]);
    document.nested.n = 2;
    const read = (await store.get('things', 'a'))!;
    (read.nested as { n: number }).n = 3;
    const [found] = await store.find('things', { where: { owner: 'p1' }, orderBy: 'rank', limit: 1 });
    (found!.nested as { n: number }).n = 4;
    expect(await store.get('things', 'a')).toEqual({ id: 'a', owner: 'p1', nested: { n: 1 } });
  });

  it('stores a document as SQLite does, through JSON: undefined fields are dropped and a bigint is refused', async () => {
    await store.commit('main', null, '1', [{ kind: 'put', collection: 'things', document: { id: 'a', gone: undefined, at: new Date(0) } }]);
    expect(await store.get('things', 'a')).toStrictEqual({ id: 'a', at: '1970-01-01T00:00:00.000Z' });
    await expect(store.commit('main', '1', '2', [{ kind: 'put', collection: 'things', document: { id: 'b', n: 1n } }])).rejects.toThrow(TypeError);
    expect(await store.get('things', 'b')).toBeNull();
    expect(await store.getCheckpoint('main')).toBe('1');
  });

  it('refuses names the SQLite adapter refuses', async () => {
    await expect(store.ensureIndexes([{ collection: 'things', fields: ['a.b'] }])).rejects.toThrow(/not a plain field name/);
    await expect(store.find('bad-name', { limit: 1 })).rejects.toThrow(/not a plain collection name/);
    await expect(store.recordTime('things', 'k', 'last used', '2026-01-01T00:00:00.000Z', 0)).rejects.toThrow(/not a plain field name/);
    await expect(store.find('things', { where: { owner: 'p1' }, orderBy: 'other', limit: 1 })).rejects.toBeInstanceOf(NoIndexError);
  });

  it('refuses use after close', async () => {
    await store.close();
    await expect(store.ping()).rejects.toThrow(/closed/);
    await expect(store.get('things', 'a')).rejects.toThrow(/closed/);
  });
});

/**
 * The same documents and queries against the SQLite read store and this one: the same answers, in the
 * same order. Values of mixed types (absent, null, booleans, numbers, text, objects, characters beyond
 * the BMP), inserted out of order, with documents the filters must leave out.
 */
describe('InMemoryReadStore answers find exactly as SqliteReadStore does', () => {
  const indexes = [
    { collection: 'mixed', fields: ['owner', 'rank'] },
    { collection: 'mixed', fields: ['flag'] },
    { collection: 'mixed', fields: ['rank'] },
  ];
  const ranks: unknown[] = [undefined, null, true, false, 0, 1, 1.5, -2, '', '1', 'a', 'B', 'é', '\u{1F600}', '\uFFFD', { x: 1 }, [1]];
  const documents: Document[] = ranks.flatMap((rank, i) => [
    { id: `d${String((i * 7) % 17).padStart(2, '0')}`, owner: 'p1', rank, flag: i % 3 === 0 ? true : i % 3 === 1 ? 1 : null },
    { id: `e${i}`, owner: i % 2 ? 'p2' : 'p1', rank: i % 4 === 0 ? 'a' : i, flag: i % 2 === 0 },
  ]);
  const queries: FindQuery[] = [
    { limit: 100 },
    { limit: 3, after: { value: null, id: 'd05' } },
    { where: { owner: 'p1' }, orderBy: 'rank', limit: 100 },
    { where: { owner: 'p1' }, orderBy: 'rank', limit: 5 },
    { where: { owner: 'p1' }, orderBy: 'rank', after: { value: null, id: 'd03' }, limit: 100 },
    { where: { owner: 'p1' }, orderBy: 'rank', after: { value: 1, id: 'd00' }, limit: 100 },
    { where: { owner: 'p1' }, orderBy: 'rank', after: { value: true, id: 'e' }, limit: 100 },
    { where: { owner: 'p1' }, orderBy: 'rank', after: { value: 'a', id: 'd10' }, limit: 100 },
    { where: { owner: 'p1' }, orderBy: 'rank', after: { value: 'é', id: '' }, limit: 100 },
    { where: { owner: 'p2' }, orderBy: 'rank', limit: -1 },
    { where: { owner: 'p2' }, orderBy: 'rank', limit: 0 },
    { where: { flag: true }, limit: 100 },
    { where: { flag: 1 }, limit: 100 },
    { where: { flag: null }, limit: 100 },
    { where: { flag: false }, after: { value: 'ignored', id: 'e10' }, limit: 100 },
    { orderBy: 'rank', limit: 100 },
    { orderBy: 'rank', after: { value: '', id: 'zzz' }, limit: 100 },
  ];

  let dir: string;
  let sqlite: SqliteReadStore;
  let memory: InMemoryReadStore;
  const load = async (store: ReadStore) => {
    await store.ensureIndexes(indexes);
    await store.commit('main', null, '1', documents.map((document) => ({ kind: 'put' as const, collection: 'mixed', document })));
    await store.commit('main', '1', '2', [{ kind: 'patchWhere', collection: 'mixed', where: { owner: 'p2', rank: 3 }, set: { patched: true, flag: null } }]);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oh-rs-memory-'));
    sqlite = new SqliteReadStore(join(dir, 'read.db'));
    memory = new InMemoryReadStore();
    await load(sqlite);
    await load(memory);
  });
  afterAll(async () => {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(queries.map((query) => [JSON.stringify(query), query] as const))('%s', async (_name, query) => {
    const expected = await sqlite.find('mixed', query);
    expect(expected.length > 0 || query.limit === 0).toBe(true); // each query but LIMIT 0 selects something
    expect(await memory.find('mixed', query)).toEqual(expected);
  });

  it('records times as SQLite does, whatever the field held', async () => {
    for (const store of [sqlite, memory]) {
      await store.recordTime('mixed', 'e1', 'rank', '2026-01-01T00:00:00.000Z', 0); // a number: below any text
      await store.recordTime('mixed', 'e4', 'rank', '2026-01-01T00:00:00.000Z', 0); // 'a': above any ISO time
      await store.recordTime('mixed', 'e2', 'missing', '2026-01-01T00:00:00.000Z', 0);
    }
    const ids = ['e1', 'e2', 'e4'];
    const byId = (a: Document, b: Document) => (a.id < b.id ? -1 : 1);
    expect((await memory.getMany('mixed', ids)).sort(byId)).toEqual((await sqlite.getMany('mixed', ids)).sort(byId));
  });
});
