import { randomUUID } from 'node:crypto';
import { CheckpointMovedError, heldCheckpoint, holdOf, NoIndexError, NoShadowCheckpointError, ReadStore, ShadowSwap } from './read-store.port';

export type OpenReadStore = () => Promise<{ store: ReadStore; cleanup: () => Promise<void> }>;

/**
 * The behaviour every read store adapter must show. Collection and checkpoint names are unique per
 * test so the suite can run against a shared server.
 */
export function readStoreContract(adapter: string, open: OpenReadStore): void {
  describe(`ReadStore contract: ${adapter}`, () => {
    let store: ReadStore;
    let cleanup: () => Promise<void>;
    let collection: string;
    let checkpoint: string;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
      const suffix = randomUUID().replace(/-/g, '').slice(0, 12);
      collection = `contract_${suffix}`;
      checkpoint = `contract_${suffix}`;
      await store.ensureIndexes([
        { collection, fields: ['owner', 'createdAt'] },
        { collection, fields: ['active'] },
        { collection, fields: ['parent'] },
        { collection, fields: ['entityId', 'seq'] },
      ]);
    });
    afterEach(async () => cleanup());

    const doc = (id: string, owner: string, createdAt: string, extra: Record<string, unknown> = {}) => ({
      id,
      owner,
      createdAt,
      ...extra,
    });

    it('stores documents with their checkpoint and reads them back', async () => {
      await store.commit(checkpoint, null, '1', [
        { kind: 'put', collection, document: doc('a', 'p1', '2026-01-01', { nested: { x: [1, 2] }, flag: true }) },
      ]);
      expect(await store.get(collection, 'a')).toEqual(doc('a', 'p1', '2026-01-01', { nested: { x: [1, 2] }, flag: true }));
      expect(await store.get(collection, 'missing')).toBeNull();
      expect(await store.getCheckpoint(checkpoint)).toBe('1');
    });

    it('replaces a document on put and removes it on delete', async () => {
      await store.commit(checkpoint, null, '1', [{ kind: 'put', collection, document: doc('a', 'p1', 't1') }]);
      await store.commit(checkpoint, '1', '2', [{ kind: 'put', collection, document: { id: 'a', owner: 'p2' } }]);
      expect(await store.get(collection, 'a')).toEqual({ id: 'a', owner: 'p2' });
      await store.commit(checkpoint, '2', '3', [{ kind: 'delete', collection, id: 'a' }]);
      expect(await store.get(collection, 'a')).toBeNull();
    });

    it('refuses a commit whose expected checkpoint is stale and applies none of its changes', async () => {
      await store.commit(checkpoint, null, '5', []);
      await expect(
        store.commit(checkpoint, '4', '6', [{ kind: 'put', collection, document: doc('a', 'p1', 't') }]),
      ).rejects.toBeInstanceOf(CheckpointMovedError);
      await expect(
        store.commit(checkpoint, null, '6', [{ kind: 'put', collection, document: doc('a', 'p1', 't') }]),
      ).rejects.toBeInstanceOf(CheckpointMovedError);
      expect(await store.get(collection, 'a')).toBeNull();
      expect(await store.getCheckpoint(checkpoint)).toBe('5');
    });

    it('lets exactly one of two racing commits from the same checkpoint win', async () => {
      await store.commit(checkpoint, null, '1', []);
      const results = await Promise.allSettled([
        store.commit(checkpoint, '1', '2', [{ kind: 'put', collection, document: doc('a', 'x', 't') }]),
        store.commit(checkpoint, '1', '2', [{ kind: 'put', collection, document: doc('b', 'y', 't') }]),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const stored = [await store.get(collection, 'a'), await store.get(collection, 'b')].filter(Boolean);
      expect(stored).toHaveLength(1);
    });

    describe('several checkpoints in one commit (commitAll)', () => {
      const names = () => [`${checkpoint}/a`, `${checkpoint}/b`, `${checkpoint}/c`];

      it('moves every checkpoint it names and leaves those it only compares, with the changes, in one step', async () => {
        const [a, b, c] = names();
        await store.commitAll([{ name: a!, expected: null, next: '1' }, { name: b!, expected: null, next: '1' }], []);
        await store.commitAll(
          [{ name: a!, expected: '1', next: '2' }, { name: b!, expected: '1' }, { name: c!, expected: null }],
          [{ kind: 'put', collection, document: doc('a', 'p1', 't') }],
        );
        expect(Object.fromEntries(await store.getCheckpoints([a!, b!, c!]))).toEqual({ [a!]: '2', [b!]: '1' });
        expect(await store.get(collection, 'a')).toEqual(doc('a', 'p1', 't'));
      });

      it('refuses the whole commit when any checkpoint differs, even one it only compares, and changes nothing', async () => {
        const [a, b, c] = names();
        await store.commitAll([{ name: a!, expected: null, next: '1' }, { name: b!, expected: null, next: '5' }], []);
        await expect(
          store.commitAll([{ name: a!, expected: '1', next: '2' }, { name: b!, expected: '4' }], [{ kind: 'put', collection, document: doc('a', 'p1', 't') }]),
        ).rejects.toBeInstanceOf(CheckpointMovedError);
        await expect(
          store.commitAll([{ name: a!, expected: '1', next: '2' }, { name: c!, expected: '1' }], [{ kind: 'put', collection, document: doc('a', 'p1', 't') }]),
        ).rejects.toBeInstanceOf(CheckpointMovedError);
        expect(Object.fromEntries(await store.getCheckpoints([a!, b!, c!]))).toEqual({ [a!]: '1', [b!]: '5' });
        expect(await store.get(collection, 'a')).toBeNull();
      });
    });

    describe('holdCheckpoint', () => {
      it('holds the position under a hold a projector’s next commit finds moved, and answers the stored value', async () => {
        await store.commit(checkpoint, null, '7', []);

        const held = await store.holdCheckpoint(checkpoint, 'rebuild-1', 1_000);

        expect(held).toBe(heldCheckpoint({ position: '7', holder: 'rebuild-1', until: 1_000 }));
        expect(await store.getCheckpoint(checkpoint)).toBe(held);
        expect(holdOf(held!)).toEqual({ position: '7', holder: 'rebuild-1', until: 1_000 });
        await expect(store.commit(checkpoint, '7', '8', [{ kind: 'put', collection, document: doc('a', 'p1', 't') }])).rejects.toBeInstanceOf(CheckpointMovedError);
        expect(await store.get(collection, 'a')).toBeNull();
      });

      it('holds a held checkpoint anew at the same position, and holds nothing where there is no checkpoint', async () => {
        await store.commit(checkpoint, null, '7', []);
        await store.holdCheckpoint(checkpoint, 'rebuild-1', 1_000);

        expect(holdOf((await store.holdCheckpoint(checkpoint, 'rebuild-2', 2_000))!)).toEqual({ position: '7', holder: 'rebuild-2', until: 2_000 });
        expect(await store.holdCheckpoint(`${checkpoint}__none`, 'rebuild-2', 2_000)).toBeNull();
        expect(await store.getCheckpoint(`${checkpoint}__none`)).toBeNull();
      });

      it('is atomic against a racing commit: the hold keeps the position the commit left, or the commit finds it held', async () => {
        await store.commit(checkpoint, null, '1', []);
        const [committed, held] = await Promise.allSettled([
          store.commit(checkpoint, '1', '2', [{ kind: 'put', collection, document: doc('a', 'p1', 't') }]),
          store.holdCheckpoint(checkpoint, 'rebuild-1', 1_000),
        ]);
        expect(held.status).toBe('fulfilled');
        const position = holdOf((await store.getCheckpoint(checkpoint))!)!.position;
        // Either the commit went first and the hold is on its position, or the hold went first and the commit changed nothing.
        expect([committed.status, position, (await store.get(collection, 'a')) !== null]).toEqual(
          committed.status === 'fulfilled' ? ['fulfilled', '2', true] : ['rejected', '1', false],
        );
      });
    });

    it('finds by equality, ordered by a field then id, with keyset pagination', async () => {
      await store.commit(checkpoint, null, '1', [
        { kind: 'put', collection, document: doc('c', 'p1', '2026-01-02') },
        { kind: 'put', collection, document: doc('a', 'p1', '2026-01-03') },
        { kind: 'put', collection, document: doc('b', 'p1', '2026-01-02') },
        { kind: 'put', collection, document: doc('d', 'p2', '2026-01-01') },
      ]);
      const page1 = await store.find(collection, { where: { owner: 'p1' }, orderBy: 'createdAt', limit: 2 });
      expect(page1.map((d) => d.id)).toEqual(['b', 'c']);
      const last = page1[1]!;
      const page2 = await store.find(collection, {
        where: { owner: 'p1' },
        orderBy: 'createdAt',
        after: { value: last.createdAt as string, id: last.id },
        limit: 2,
      });
      expect(page2.map((d) => d.id)).toEqual(['a']);
      expect((await store.find(collection, { where: { owner: 'nobody' }, orderBy: 'createdAt', limit: 10 })).length).toBe(0);
    });

    it('finds by boolean and null fields, and orders by id by default', async () => {
      await store.commit(checkpoint, null, '1', [
        { kind: 'put', collection, document: { id: 'b', active: true, parent: null } },
        { kind: 'put', collection, document: { id: 'a', active: true, parent: 'x' } },
        { kind: 'put', collection, document: { id: 'c', active: false, parent: null } },
      ]);
      expect((await store.find(collection, { where: { active: true }, limit: 10 })).map((d) => d.id)).toEqual(['a', 'b']);
      expect((await store.find(collection, { where: { parent: null }, limit: 10 })).map((d) => d.id)).toEqual(['b', 'c']);
      expect((await store.find(collection, { after: { value: null, id: 'a' }, limit: 10 })).map((d) => d.id)).toEqual([
        'b',
        'c',
      ]);
    });

    it('refuses a query that no declared index serves, instead of scanning the collection', async () => {
      await store.commit(checkpoint, null, '1', [{ kind: 'put', collection, document: doc('a', 'p1', 't', { colour: 'red' }) }]);
      await expect(store.find(collection, { where: { colour: 'red' }, limit: 10 })).rejects.toBeInstanceOf(NoIndexError);
      // An index whose equality fields match, but whose order is another field's, does not serve either.
      await expect(store.find(collection, { where: { owner: 'p1' }, orderBy: 'colour', limit: 10 })).rejects.toBeInstanceOf(NoIndexError);
      await expect(store.find(collection, { where: { owner: 'p1' }, limit: 10 })).rejects.toBeInstanceOf(NoIndexError);
      await expect(
        store.commit(checkpoint, '1', '2', [{ kind: 'patchWhere', collection, where: { colour: 'red' }, set: { colour: 'blue' } }]),
      ).rejects.toBeInstanceOf(NoIndexError);
      expect(await store.getCheckpoint(checkpoint)).toBe('1');
    });

    it('pages through many documents with equal sort values in (value, id) order, whatever the key order of the filter', async () => {
      const documents = Array.from({ length: 25 }, (_, i) => doc(`d${String(24 - i).padStart(2, '0')}`, 'p1', `t${i % 3}`, { active: i % 2 === 0 }));
      await store.commit(checkpoint, null, '1', [
        ...documents.map((document) => ({ kind: 'put' as const, collection, document })),
        { kind: 'put', collection, document: doc('x', 'p2', 't0') },
      ]);
      const expected = documents.map((d) => `${d.createdAt}|${d.id}`).sort();
      const seen: string[] = [];
      let after: { value: string; id: string } | undefined;
      for (;;) {
        const page = await store.find(collection, { where: { owner: 'p1' }, orderBy: 'createdAt', after, limit: 4 });
        seen.push(...page.map((d) => `${d.createdAt}|${d.id}`));
        if (page.length < 4) break;
        const last = page[page.length - 1]!;
        after = { value: last.createdAt as string, id: last.id };
      }
      expect(seen).toEqual(expected);
    });

    it('patches every document matching a filter, in order with the other changes of the commit', async () => {
      await store.commit(checkpoint, null, '1', [
        { kind: 'put', collection, document: { id: 'e1', entityId: 'x', seq: 1, data: { secret: 'a' } } },
        { kind: 'put', collection, document: { id: 'e2', entityId: 'y', seq: 2, data: { secret: 'b' } } },
      ]);
      await store.commit(checkpoint, '1', '2', [
        { kind: 'put', collection, document: { id: 'e3', entityId: 'x', seq: 3, data: { secret: 'c' } } },
        { kind: 'patchWhere', collection, where: { entityId: 'x' }, set: { data: {}, redacted: true } },
      ]);
      expect(await store.get(collection, 'e1')).toEqual({ id: 'e1', entityId: 'x', seq: 1, data: {}, redacted: true });
      expect(await store.get(collection, 'e3')).toEqual({ id: 'e3', entityId: 'x', seq: 3, data: {}, redacted: true });
      expect(await store.get(collection, 'e2')).toEqual({ id: 'e2', entityId: 'y', seq: 2, data: { secret: 'b' } });
    });

    it('records a time at most once per interval, creating the document when needed', async () => {
      await store.recordTime(collection, 'k1', 'lastUsedAt', '2026-02-02T00:00:00.000Z', 60_000);
      expect(await store.get(collection, 'k1')).toEqual({ id: 'k1', lastUsedAt: '2026-02-02T00:00:00.000Z' });
      await store.recordTime(collection, 'k1', 'lastUsedAt', '2026-02-02T00:00:30.000Z', 60_000);
      expect((await store.get(collection, 'k1'))!.lastUsedAt).toBe('2026-02-02T00:00:00.000Z');
      await store.recordTime(collection, 'k1', 'lastUsedAt', '2026-02-02T00:01:00.001Z', 60_000);
      expect((await store.get(collection, 'k1'))!.lastUsedAt).toBe('2026-02-02T00:01:00.001Z');
      await store.recordTime(collection, 'k1', 'lastUsedAt', '2026-02-01T00:00:00.000Z', 0);
      expect((await store.get(collection, 'k1'))!.lastUsedAt).toBe('2026-02-02T00:01:00.001Z');
    });

    it('gets many documents by id, skipping the missing ones', async () => {
      await store.commit(checkpoint, null, '1', [
        { kind: 'put', collection, document: doc('a', 'p1', 't') },
        { kind: 'put', collection, document: doc('b', 'p1', 't') },
      ]);
      const found = await store.getMany(collection, ['b', 'a', 'missing']);
      expect(found.map((d) => d.id).sort()).toEqual(['a', 'b']);
      expect(await store.getMany(collection, [])).toEqual([]);
    });

    it('resets collections and the checkpoint for a rebuild', async () => {
      await store.commit(checkpoint, null, '1', [{ kind: 'put', collection, document: doc('a', 'p1', 't') }]);
      await store.reset(checkpoint, [collection]);
      expect(await store.get(collection, 'a')).toBeNull();
      expect(await store.getCheckpoint(checkpoint)).toBeNull();
    });

    describe('swapShadow', () => {
      // Two read models, each with its shadow (`shadow__<collection>`) and the same declared indexes.
      let other: string;
      let swap: ShadowSwap;
      let shadowCheckpoint: string;
      /** The swap, with the live checkpoint expected to be this. */
      const expecting = (expectedLive: string | null): ShadowSwap => ({ ...swap, checkpoints: [{ ...swap.checkpoints[0]!, expectedLive }] });
      const shadowOf = (name: string) => `shadow__${name}`;
      const all = async (name: string) => (await store.find(name, { limit: 1000 })).sort((a, b) => (a.id < b.id ? -1 : 1));

      beforeEach(async () => {
        other = `${collection}_other`;
        await store.ensureIndexes(
          [collection, other, shadowOf(collection), shadowOf(other)].flatMap((name) => [
            { collection: name, fields: ['owner', 'createdAt'] },
            { collection: name, fields: ['active'] },
          ]),
        );
        shadowCheckpoint = `${checkpoint}__shadow`;
        swap = {
          checkpoints: [{ live: checkpoint, shadow: shadowCheckpoint }],
          collections: [
            { live: collection, shadow: shadowOf(collection) },
            { live: other, shadow: shadowOf(other) },
          ],
        };
        await store.commit(checkpoint, null, '3', [
          { kind: 'put', collection, document: doc('onlyLive', 'p1', 't1') },
          { kind: 'put', collection, document: doc('both', 'p1', 't2', { version: 'live' }) },
          { kind: 'put', collection: other, document: { id: 'o1', active: true, version: 'live' } },
        ]);
      });

      it('replaces each live collection with its shadow and moves the shadow checkpoint onto the live one', async () => {
        await store.commit(shadowCheckpoint, null, '9', [
          { kind: 'put', collection: shadowOf(collection), document: doc('both', 'p1', 't2', { version: 'shadow' }) },
          { kind: 'put', collection: shadowOf(collection), document: doc('onlyShadow', 'p1', 't3') },
          { kind: 'put', collection: shadowOf(other), document: { id: 'o2', active: true, version: 'shadow' } },
        ]);
        await store.swapShadow(swap);

        expect(await all(collection)).toEqual([doc('both', 'p1', 't2', { version: 'shadow' }), doc('onlyShadow', 'p1', 't3')]);
        expect(await store.get(collection, 'onlyLive')).toBeNull();
        expect(await store.get(collection, 'onlyShadow')).toEqual(doc('onlyShadow', 'p1', 't3'));
        expect(await store.getMany(other, ['o1', 'o2'])).toEqual([{ id: 'o2', active: true, version: 'shadow' }]);
        // Through the live names' declared indexes.
        const owned = await store.find(collection, { where: { owner: 'p1' }, orderBy: 'createdAt', limit: 10 });
        expect(owned.map((d) => d.id)).toEqual(['both', 'onlyShadow']);
        expect((await store.find(other, { where: { active: true }, limit: 10 })).map((d) => d.id)).toEqual(['o2']);

        expect(await all(shadowOf(collection))).toEqual([]);
        expect(await all(shadowOf(other))).toEqual([]);
        expect(await store.getCheckpoint(checkpoint)).toBe('9');
        expect(await store.getCheckpoint(shadowCheckpoint)).toBeNull();
        // The live projector carries on from the moved checkpoint.
        await store.commit(checkpoint, '9', '10', [{ kind: 'put', collection, document: doc('later', 'p2', 't4') }]);
        expect(await store.get(collection, 'later')).toEqual(doc('later', 'p2', 't4'));
      });

      it('sets a live checkpoint that did not exist yet', async () => {
        await store.reset(checkpoint, [collection, other]);
        await store.commit(shadowCheckpoint, null, '4', [{ kind: 'put', collection: shadowOf(other), document: { id: 'o3' } }]);
        await store.swapShadow(swap);
        expect(await store.getCheckpoint(checkpoint)).toBe('4');
        expect(await all(other)).toEqual([{ id: 'o3' }]);
      });

      it('empties a live collection whose shadow holds no document, or was never even declared', async () => {
        const third = `${collection}_third`; // its shadow has no index and no document: MongoDB has no such collection
        await store.commit(checkpoint, '3', '4', [{ kind: 'put', collection: third, document: { id: 't1' } }]);
        await store.commit(shadowCheckpoint, null, '9', [{ kind: 'put', collection: shadowOf(other), document: { id: 'o2' } }]);
        await store.swapShadow({ ...swap, collections: [...swap.collections, { live: third, shadow: shadowOf(third) }] });
        expect(await all(collection)).toEqual([]);
        expect(await all(other)).toEqual([{ id: 'o2' }]);
        expect(await store.getMany(third, ['t1'])).toEqual([]);
        expect(await store.getCheckpoint(checkpoint)).toBe('9');
      });

      it('swaps only while the live checkpoint is the one expected: else CheckpointMovedError, and nothing changes', async () => {
        await store.commit(shadowCheckpoint, null, '9', [{ kind: 'put', collection: shadowOf(other), document: { id: 'o2' } }]);
        // The live projector committed after the rebuild read its checkpoint.
        await store.commit(checkpoint, '3', '5', [{ kind: 'put', collection: other, document: { id: 'o1', active: true, version: 'moved' } }]);

        await expect(store.swapShadow(expecting('3'))).rejects.toEqual(new CheckpointMovedError(checkpoint)); // names the checkpoint that moved
        expect(await all(other)).toEqual([{ id: 'o1', active: true, version: 'moved' }]);
        expect([await store.getCheckpoint(checkpoint), await store.getCheckpoint(shadowCheckpoint)]).toEqual(['5', '9']);

        await store.swapShadow(expecting('5'));
        expect(await all(other)).toEqual([{ id: 'o2' }]);
        expect(await store.getCheckpoint(checkpoint)).toBe('9');
      });

      describe('several projections in one swap', () => {
        const second = () => `${checkpoint}_second`;
        const group = (expectedFirst: string, expectedSecond: string | null): ShadowSwap => ({
          checkpoints: [
            { live: checkpoint, shadow: shadowCheckpoint, expectedLive: expectedFirst },
            { live: second(), shadow: `${second()}__shadow`, expectedLive: expectedSecond },
          ],
          collections: swap.collections,
        });
        beforeEach(async () => {
          await store.commit(shadowCheckpoint, null, '9', [{ kind: 'put', collection: shadowOf(collection), document: doc('rebuilt', 'p1', 't5') }]);
          await store.commit(`${second()}__shadow`, null, '8', [{ kind: 'put', collection: shadowOf(other), document: { id: 'o9' } }]);
        });

        it('moves every checkpoint and every collection together', async () => {
          await store.swapShadow(group('3', null));
          expect((await all(collection)).map((d) => d.id)).toEqual(['rebuilt']);
          expect(await all(other)).toEqual([{ id: 'o9' }]);
          expect([await store.getCheckpoint(checkpoint), await store.getCheckpoint(second())]).toEqual(['9', '8']);
          expect([await store.getCheckpoint(shadowCheckpoint), await store.getCheckpoint(`${second()}__shadow`)]).toEqual([null, null]);
        });

        it('changes nothing when one of them is not as expected, whichever it is', async () => {
          await store.commit(second(), null, '4', []); // expected not to exist
          await expect(store.swapShadow(group('3', null))).rejects.toBeInstanceOf(CheckpointMovedError);
          await expect(store.swapShadow(group('2', '4'))).rejects.toBeInstanceOf(CheckpointMovedError);
          expect((await all(collection)).map((d) => d.id)).toEqual(['both', 'onlyLive']);
          expect(await all(other)).toEqual([{ id: 'o1', active: true, version: 'live' }]);
          expect([await store.getCheckpoint(checkpoint), await store.getCheckpoint(second())]).toEqual(['3', '4']);
          expect([await store.getCheckpoint(shadowCheckpoint), await store.getCheckpoint(`${second()}__shadow`)]).toEqual(['9', '8']);
          await store.swapShadow(group('3', '4'));
          expect([await store.getCheckpoint(checkpoint), await store.getCheckpoint(second())]).toEqual(['9', '8']);
        });
      });

      it('swaps only the shadow it expects: one reset and started again meanwhile (another rebuild) is refused, and nothing changes', async () => {
        await store.commit(shadowCheckpoint, null, '9#mine', [{ kind: 'put', collection: shadowOf(other), document: { id: 'o2' } }]);
        await store.reset(shadowCheckpoint, [shadowOf(collection), shadowOf(other)]);
        await store.commit(shadowCheckpoint, null, 'start', []);
        const mine = { ...swap, checkpoints: [{ ...swap.checkpoints[0]!, expectedShadow: '9#mine' }] };
        await expect(store.swapShadow(mine)).rejects.toEqual(new CheckpointMovedError(shadowCheckpoint));
        expect(await all(other)).toEqual([{ id: 'o1', active: true, version: 'live' }]);
        expect([await store.getCheckpoint(checkpoint), await store.getCheckpoint(shadowCheckpoint)]).toEqual(['3', 'start']);
        await store.commit(shadowCheckpoint, 'start', '9#mine', []);
        await store.swapShadow(mine);
        expect(await store.getCheckpoint(checkpoint)).toBe('9#mine');
      });

      it('swaps only while the checkpoints it is told to keep unchanged are as given, and leaves them so', async () => {
        const guard = `${checkpoint}_guard`;
        await store.commit(guard, null, 'held-7', []);
        await store.commit(shadowCheckpoint, null, '9', [{ kind: 'put', collection: shadowOf(other), document: { id: 'o2' } }]);

        await expect(store.swapShadow({ ...swap, unchanged: [{ name: guard, value: 'held-6' }] })).rejects.toBeInstanceOf(CheckpointMovedError);
        await expect(store.swapShadow({ ...swap, unchanged: [{ name: `${guard}_none`, value: 'held-7' }] })).rejects.toBeInstanceOf(CheckpointMovedError);
        expect(await all(other)).toEqual([{ id: 'o1', active: true, version: 'live' }]);
        expect([await store.getCheckpoint(checkpoint), await store.getCheckpoint(shadowCheckpoint)]).toEqual(['3', '9']);

        await store.swapShadow({ ...swap, unchanged: [{ name: guard, value: 'held-7' }] });
        expect(await all(other)).toEqual([{ id: 'o2' }]);
        expect([await store.getCheckpoint(checkpoint), await store.getCheckpoint(guard)]).toEqual(['9', 'held-7']);
      });

      it('refuses a swap without a shadow checkpoint and changes nothing', async () => {
        await store.commit(`${checkpoint}__unrelated`, null, '1', [
          { kind: 'put', collection: shadowOf(collection), document: doc('onlyShadow', 'p1', 't3') },
        ]);
        await expect(store.swapShadow(swap)).rejects.toBeInstanceOf(NoShadowCheckpointError);
        expect((await all(collection)).map((d) => d.id)).toEqual(['both', 'onlyLive']);
        expect(await all(other)).toEqual([{ id: 'o1', active: true, version: 'live' }]);
        expect((await all(shadowOf(collection))).map((d) => d.id)).toEqual(['onlyShadow']);
        expect(await store.getCheckpoint(checkpoint)).toBe('3');
        expect(await store.getCheckpoint(shadowCheckpoint)).toBeNull();
      });

      it('refuses a swap whose names overlap, before changing anything', async () => {
        await store.commit(shadowCheckpoint, null, '9', []);
        await expect(store.swapShadow({ ...swap, collections: [{ live: collection, shadow: collection }] })).rejects.toThrow(/twice/);
        await expect(store.swapShadow({ ...swap, checkpoints: [{ live: checkpoint, shadow: checkpoint }] })).rejects.toThrow(/twice/);
        await expect(store.swapShadow({ ...swap, unchanged: [{ name: checkpoint, value: '3' }] })).rejects.toThrow(/twice/);
        await expect(store.swapShadow({ ...swap, checkpoints: [] })).rejects.toThrow(/no checkpoint/);
        expect((await all(collection)).map((d) => d.id)).toEqual(['both', 'onlyLive']);
        expect(await store.getCheckpoint(checkpoint)).toBe('3');
        expect(await store.getCheckpoint(shadowCheckpoint)).toBe('9');
      });
    });
  });
}
