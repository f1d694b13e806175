import { randomBytes, randomUUID } from 'node:crypto';
import { KeyStore, WrappedDataKey } from './key-store.port';

export type OpenKeyStore = () => Promise<{ store: KeyStore; cleanup: () => Promise<void> }>;

/**
 * The behaviour every key store adapter must show. Operator ids are unique per test, and each test
 * destroys the keys it created, so the suite can run against a shared server. `listWrappedWithOther`
 * reads the whole store, so its test expects no keys but the suite's own: a fresh file, or a database
 * of its own per run.
 */
export function keyStoreContract(adapter: string, open: OpenKeyStore): void {
  describe(`KeyStore contract: ${adapter}`, () => {
    let store: KeyStore;
    let cleanup: () => Promise<void>;
    let operatorId: string;
    let touched: [string, string][];

    beforeEach(async () => {
      ({ store, cleanup } = await open());
      operatorId = `op_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      touched = [];
    });
    afterEach(async () => {
      try {
        for (const [operator, entity] of touched) await store.destroy(operator, entity);
      } finally {
        await cleanup();
      }
    });

    const key = (entityId: string, fields: Partial<WrappedDataKey> = {}): WrappedDataKey => {
      const made = {
        operatorId,
        entityId,
        keyId: `dk_${randomBytes(8).toString('hex')}`,
        version: 1,
        masterKeyId: 'mk_1',
        wrapped: randomBytes(60).toString('base64url'),
        createdAt: '2026-03-01T12:00:00.000Z',
        ...fields,
      };
      touched.push([made.operatorId, made.entityId]);
      return made;
    };

    it('stores a key and reads it back', async () => {
      const k = key('ent_1', { version: 3 });
      expect(await store.create(k)).toEqual(k);
      expect(await store.get(operatorId, 'ent_1')).toEqual(k);
    });

    it('answers the stored key on a second create for the same entity, and stores nothing new', async () => {
      const first = key('ent_1');
      const second = key('ent_1', { masterKeyId: 'mk_2', createdAt: '2026-03-02T00:00:00.000Z' });
      await store.create(first);
      expect(await store.create(second)).toEqual(first);
      expect(await store.get(operatorId, 'ent_1')).toEqual(first);
    });

    it('makes concurrent creates for one entity agree on one stored key', async () => {
      const a = key('ent_1');
      const b = key('ent_1');
      const [fromA, fromB] = await Promise.all([store.create(a), store.create(b)]);
      expect(fromA).toEqual(fromB);
      expect([a.keyId, b.keyId]).toContain(fromA.keyId);
      expect(await store.get(operatorId, 'ent_1')).toEqual(fromA);
    });

    it('answers null for an unknown key, and keeps operators apart', async () => {
      expect(await store.get(operatorId, 'missing')).toBeNull();
      const mine = key('ent_1');
      const theirs = key('ent_1', { operatorId: `${operatorId}-other` });
      await store.create(mine);
      expect(await store.get(`${operatorId}-other`, 'ent_1')).toBeNull();
      expect(await store.create(theirs)).toEqual(theirs);
      expect(await store.get(operatorId, 'ent_1')).toEqual(mine);
    });

    it('re-wraps a key, keeping its id, version and creation time, and answers false for an unknown one', async () => {
      const k = key('ent_1', { version: 2 });
      await store.create(k);
      expect(await store.rewrap(k, 'mk_2', 'rewrapped-bytes')).toBe(true);
      expect(await store.get(operatorId, 'ent_1')).toEqual({ ...k, masterKeyId: 'mk_2', wrapped: 'rewrapped-bytes' });
      expect(await store.rewrap(key('missing'), 'mk_2', 'x')).toBe(false);
      expect(await store.get(operatorId, 'missing')).toBeNull();
    });

    it('re-wraps only the key that was read: not one destroyed and created again since, nor a stale wrapping', async () => {
      const old = key('ent_1');
      await store.create(old);
      await store.destroy(operatorId, 'ent_1');
      const fresh = key('ent_1');
      await store.create(fresh);
      expect(await store.rewrap(old, 'mk_2', 'old-key-rewrapped')).toBe(false);
      expect(await store.get(operatorId, 'ent_1')).toEqual(fresh);
      expect(await store.rewrap(fresh, 'mk_2', 'first')).toBe(true);
      expect(await store.rewrap(fresh, 'mk_3', 'second')).toBe(false);
      expect((await store.get(operatorId, 'ent_1'))!.wrapped).toBe('first');
    });

    it('destroys a key: true, then false, and the key is gone', async () => {
      const k = key('ent_1');
      const other = key('ent_2');
      await store.create(k);
      await store.create(other);
      expect(await store.destroy(operatorId, 'ent_1')).toBe(true);
      expect(await store.get(operatorId, 'ent_1')).toBeNull();
      expect(await store.destroy(operatorId, 'ent_1')).toBe(false);
      expect(await store.rewrap(k, 'mk_2', 'x')).toBe(false);
      expect(await store.get(operatorId, 'ent_2')).toEqual(other);
      // The entity's slot is free again: a new create stores the new key.
      const fresh = key('ent_1');
      expect(await store.create(fresh)).toEqual(fresh);
    });

    it('lists keys wrapped with another master key, a page at a time, ordered by operator then entity', async () => {
      // `${operatorId}-b` sorts after operatorId, but `${operatorId}-b:…` sorts before `${operatorId}:…`.
      const other = `${operatorId}-b`;
      const keys = [
        key('e3', { masterKeyId: 'mk_old' }),
        key('e1', { operatorId: other, masterKeyId: 'mk_older' }),
        key('e1', { masterKeyId: 'mk_old' }),
        key('e0', { masterKeyId: 'mk_new' }),
        key('e2', { masterKeyId: 'mk_older' }),
        key('e4', { masterKeyId: 'mk_old' }),
      ];
      for (const k of keys) await store.create(k);
      const expected = [
        [operatorId, 'e1'],
        [operatorId, 'e2'],
        [operatorId, 'e3'],
        [operatorId, 'e4'],
        [other, 'e1'],
      ];
      const find = (operator: string, entity: string) =>
        keys.find((k) => k.operatorId === operator && k.entityId === entity)!;

      expect(await store.listWrappedWithOther('mk_new', 0)).toEqual([]);
      const byIds = (a: WrappedDataKey, b: WrappedDataKey) =>
        a.operatorId === b.operatorId ? (a.entityId < b.entityId ? -1 : 1) : a.operatorId < b.operatorId ? -1 : 1;
      // In no particular order: an index range per other master key, not a walk of the whole store.
      expect((await store.listWrappedWithOther('mk_new', 100)).sort(byIds)).toEqual(expected.map(([o, e]) => find(o!, e!)));

      // Re-wrapping a page takes it out of the listing; the next call answers the next page.
      const seen: WrappedDataKey[] = [];
      for (let page = await store.listWrappedWithOther('mk_new', 2); page.length > 0; ) {
        expect(page.length).toBeLessThanOrEqual(2);
        for (const k of page) {
          expect(k.masterKeyId).not.toBe('mk_new');
          seen.push(k);
          expect(await store.rewrap(k, 'mk_new', `${k.wrapped}-new`)).toBe(true);
        }
        page = await store.listWrappedWithOther('mk_new', 2);
        expect(seen.length).toBeLessThanOrEqual(expected.length);
      }
      seen.sort(byIds);
      expect(seen.map((k) => [k.operatorId, k.entityId])).toEqual(expected);
      expect(seen).toEqual(expected.map(([o, e]) => find(o!, e!)));
      expect(await store.listWrappedWithOther('mk_new', 10)).toEqual([]);
      expect(await store.listWrappedWithOther('mk_old', 10)).toHaveLength(keys.length);
    });

    it('answers a ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
