import { randomUUID } from 'node:crypto';
import { ClaimRequest, Lease, MAX_QUOTA_BUCKETS, MAX_SNAPSHOT_REVISION, QuotaLimit, RequestStore, StreamSnapshot } from './request-store.port';

export type OpenRequestStore = () => Promise<{ store: RequestStore; cleanup: () => Promise<void> }>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The behaviour every request store adapter must show. Scopes and buckets are unique per test, so the
 * suite can run against a shared server. Times are injected: a day boundary a day or two ahead of the
 * real clock, so that a server-side TTL monitor (which goes by the real clock) never deletes a record
 * under a test. `sweep` deletes everything expired in the whole store, so its test expects at least its
 * own records to go, not an exact count.
 */
const TOKEN = 'token_a';
const COMMAND = 'cmd_a';
const OWNER = 'owner_a';
const claimed = (commandId = COMMAND) => ({ outcome: 'claimed', commandId });
const inFlight = (owner = OWNER) => ({ outcome: 'in_flight', owner });
const counted = (...used: number[]) => ({ outcome: 'counted', used });
const refused = (refusedBy: number, ...used: number[]) => ({ outcome: 'refused', refusedBy, used });
const already = (...used: number[]) => ({ outcome: 'already', used });

export function requestStoreContract(adapter: string, open: OpenRequestStore): void {
  describe(`RequestStore contract: ${adapter}`, () => {
    let store: RequestStore;
    let cleanup: () => Promise<void>;
    let unique: string;
    /** A time on a day boundary (so windows of up to a day start there), a day or two from now. */
    let t0: number;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
      unique = randomUUID().replace(/-/g, '').slice(0, 16);
      t0 = Math.ceil((Date.now() + DAY) / DAY) * DAY;
    });
    afterEach(async () => {
      await cleanup();
    });

    const scope = (name = 'ops') => `${name}_${unique}`;
    const bucket = (name = 'ip') => `${name}:${unique}`;
    const claim = (fields: Partial<ClaimRequest> = {}) =>
      store.claim({
        scope: scope(),
        key: 'key_1',
        token: TOKEN,
        commandId: COMMAND,
        owner: OWNER,
        fingerprint: 'POST /things #a',
        now: t0,
        lockMs: MINUTE,
        ttlMs: DAY,
        ...fields,
      });

    describe('quota counters', () => {
      /** Quota use ids are store-wide: unique per test, as buckets are. */
      const use = (name: string) => `use_${name}_${unique}`;
      const limit = (name: string, most: number): QuotaLimit => ({ bucket: bucket(name), limit: most });
      /** A month's counters expire in a month or so: none of them is swept by the sweep tests (t0 + 1 h). */
      const month = () => t0 + 31 * DAY;
      const consume = (id: string, limits: QuotaLimit[], expiresAt = month()) => store.consume(use(id), limits, expiresAt);
      /** The counters of `limits`, in their order. */
      const used = async (...limits: QuotaLimit[]) => {
        const usage = await store.usage(limits.map(({ bucket }) => bucket));
        return limits.map(({ bucket }) => usage.get(bucket));
      };

      it('counts uses up to each limit, then refuses naming the first limit at it', async () => {
        const pool = limit('pool', 3);
        const child = limit('child', 2);
        const sibling = limit('sibling', 2);
        expect(await consume('1', [pool, child])).toEqual(counted(1, 1));
        expect(await consume('2', [pool, child])).toEqual(counted(2, 2));
        // The child at its share, the pool not: refused by limits[1].
        expect(await consume('3', [pool, child])).toEqual(refused(1, 2, 2));
        expect(await consume('4', [pool, sibling])).toEqual(counted(3, 1));
        // The pool at its limit: refused by limits[0], the first at it, whether the child is at its share or not.
        expect(await consume('5', [pool, sibling])).toEqual(refused(0, 3, 1));
        expect(await consume('6', [pool, child])).toEqual(refused(0, 3, 2));
        expect(await consume('7', [sibling, pool])).toEqual(refused(1, 1, 3));
        // A limit lowered under its counter refuses, and so does a limit of 0, on a counter never counted.
        expect(await consume('8', [{ ...child, limit: 1 }])).toEqual(refused(0, 2));
        expect(await consume('9', [limit('none', 0)])).toEqual(refused(0, 0));
        expect(await used(pool, child, sibling, limit('none', 0))).toEqual([3, 2, 1, 0]);
      });

      it('counts all or none: a limit that refuses leaves the counters before and after it as they were', async () => {
        const pool = limit('pool', 10);
        const child = limit('child', 1);
        const other = limit('other', 10);
        expect(await consume('1', [pool, other])).toEqual(counted(1, 1));
        expect(await consume('2', [child])).toEqual(counted(1));
        expect(await consume('3', [pool, child, other])).toEqual(refused(1, 1, 1, 1));
        expect(await used(pool, child, other)).toEqual([1, 1, 1]);
        // The refused use was not recorded: once there is room it is counted.
        await store.refund(use('2'));
        expect(await consume('3', [pool, child, other])).toEqual(counted(2, 1, 2));
        expect(await used(pool, child, other)).toEqual([2, 1, 2]);
      });

      it('answers already to a use counted before under its id, counting nothing, even at the limit', async () => {
        const pool = limit('pool', 2);
        const child = limit('child', 5);
        expect(await consume('1', [pool, child])).toEqual(counted(1, 1));
        expect(await consume('1', [pool, child])).toEqual(already(1, 1));
        expect(await consume('2', [pool, child])).toEqual(counted(2, 2));
        // The counters as they stand now, and 'already' rather than 'refused' at the limit.
        expect(await consume('1', [pool, child])).toEqual(already(2, 2));
        expect(await used(pool, child)).toEqual([2, 2]);
      });

      it('answers counted to exactly one of concurrent uses under one id', async () => {
        const pool = limit('pool', 40);
        const outcomes = await Promise.all(Array.from({ length: 10 }, () => consume('1', [pool])));
        // Which one is counted, and the values they answer, may vary (MongoDB counts them all, then gives back the duplicates' counts).
        expect(outcomes.filter((o) => o.outcome === 'counted')).toHaveLength(1);
        expect(outcomes.filter((o) => o.outcome === 'already')).toHaveLength(9);
        expect(await used(pool)).toEqual([1]);
      });

      it('refunds a use once: each counter it raised goes down by one, and the id may be counted again', async () => {
        const pool = limit('pool', 10);
        const child = limit('child', 1);
        expect(await consume('1', [pool, child])).toEqual(counted(1, 1));
        expect(await consume('2', [pool])).toEqual(counted(2));
        await store.refund(use('1'));
        expect(await used(pool, child)).toEqual([1, 0]);
        await store.refund(use('1'));
        await Promise.all([store.refund(use('2')), store.refund(use('2'))]);
        expect(await used(pool, child)).toEqual([0, 0]);
        // An id never counted (or counted against other buckets) changes nothing.
        await store.refund(use('never'));
        expect(await consume('3', [pool])).toEqual(counted(1));
        await store.refund(use('never'));
        expect(await used(pool, child)).toEqual([1, 0]);
        // The refund made room under the child's limit, and the id is counted anew.
        expect(await consume('1', [pool, child])).toEqual(counted(2, 1));
        expect(await consume('1', [pool, child])).toEqual(already(2, 1));
      });

      it('answers usage by bucket, 0 for a bucket never counted, and at most 100 buckets at once', async () => {
        const buckets = Array.from({ length: MAX_QUOTA_BUCKETS }, (_, i) => bucket(`b${i}`));
        expect(MAX_QUOTA_BUCKETS).toBe(100);
        expect(await consume('1', [{ bucket: buckets[7]!, limit: 5 }, { bucket: buckets[99]!, limit: 5 }])).toEqual(counted(1, 1));
        expect(await consume('2', [{ bucket: buckets[7]!, limit: 5 }])).toEqual(counted(2));
        const usage = await store.usage(buckets);
        expect(usage).toBeInstanceOf(Map);
        expect(usage).toEqual(new Map(buckets.map((name, i) => [name, i === 7 ? 2 : i === 99 ? 1 : 0])));
        expect(await store.usage([])).toEqual(new Map());
        await expect(store.usage([...buckets, bucket('b100')])).rejects.toThrow(/at most 100/);
      });

      it('refuses limits it cannot count all or none, counting nothing', async () => {
        const pool = limit('pool', 5);
        await expect(store.consume(use('1'), [], month())).rejects.toThrow(RangeError);
        await expect(store.consume(use('1'), [pool, limit('child', 5), pool], month())).rejects.toThrow(/twice/);
        await expect(store.consume(use('1'), [pool, limit('child', -1)], month())).rejects.toThrow(RangeError);
        await expect(store.consume(use('1'), [pool, limit('child', 1.5)], month())).rejects.toThrow(RangeError);
        const many = Array.from({ length: MAX_QUOTA_BUCKETS + 1 }, (_, i) => limit(`b${i}`, 5));
        await expect(store.consume(use('1'), many, month())).rejects.toThrow(RangeError);
        await expect(store.consume('', [pool], month())).rejects.toThrow(RangeError);
        expect(await used(pool, limit('child', 5), many[100]!)).toEqual([0, 0, 0]);
        expect(await consume('1', [pool])).toEqual(counted(1));
      });

      it('sweeps expired counters and uses, keeping a counter as long as its latest use', async () => {
        const short = limit('short', 5);
        const shared = limit('shared', 5);
        const long = limit('long', 5);
        expect(await consume('short', [short, shared], t0 + HOUR)).toEqual(counted(1, 1));
        expect(await consume('long', [long, shared], t0 + DAY)).toEqual(counted(1, 2));

        const now = t0 + HOUR + 1;
        // At least the short counter and the short use; on a shared server, maybe more.
        expect(await store.sweep(now)).toBeGreaterThanOrEqual(2);
        expect(await store.sweep(now)).toBe(0);
        // The shared counter keeps the expiry of its latest use, and its count.
        expect(await used(short, shared, long)).toEqual([0, 2, 1]);
        // The swept use is gone (the id counts again, on a counter made anew; a refund of it did nothing), the kept one stays.
        await store.refund(use('short'));
        expect(await used(shared)).toEqual([2]);
        expect(await consume('short', [short], t0 + 2 * HOUR)).toEqual(counted(1));
        expect(await consume('long', [long, shared], t0 + DAY)).toEqual(already(1, 2));

        expect(await store.sweep(t0 + DAY + 1)).toBeGreaterThanOrEqual(4);
        expect(await used(short, shared, long)).toEqual([0, 0, 0]);
      });

      it('counts exactly up to the limit under concurrent uses', async () => {
        const pool = limit('pool', 40);
        const children = Array.from({ length: 50 }, (_, i) => limit(`child${i}`, 1));
        const outcomes = await Promise.all(children.map((child, i) => consume(`${i}`, [pool, child])));
        const countedOnes = outcomes.filter((o) => o.outcome === 'counted');
        expect(countedOnes).toHaveLength(40);
        // Each counted use saw its own value of the pool: 1 to 40, none twice.
        expect(countedOnes.map((o) => o.used[0]).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        expect(countedOnes.every((o) => o.used[1] === 1)).toBe(true);
        expect(outcomes.filter((o) => o.outcome === 'refused')).toEqual(Array.from({ length: 10 }, () => refused(0, 40, 0)));
        expect(await used(pool)).toEqual([40]);
        // Exactly the children of the counted uses were counted.
        const childUsage = await used(...children);
        expect(childUsage).toEqual(outcomes.map((o) => (o.outcome === 'counted' ? 1 : 0)));
      });
    });

    describe('stream snapshots', () => {
      /** Stream names are store-wide: unique per test, as buckets are. */
      const stream = (name = 'optokens') => `${name}-${unique}`;
      const snapshot = (revision: bigint, fields: Partial<StreamSnapshot> = {}): StreamSnapshot => ({
        stream: stream(),
        revision,
        position: `${revision + 100n}/${revision + 100n}`,
        state: JSON.stringify({ status: 'active', revision: String(revision) }),
        ...fields,
      });

      it('answers null for a stream never snapshotted', async () => {
        await expect(store.loadSnapshot(stream())).resolves.toBeNull();
      });

      it('answers the snapshot saved: stream, revision as a bigint, position and state as given', async () => {
        await store.saveSnapshot(snapshot(41n));
        const loaded = await store.loadSnapshot(stream());
        expect(loaded).toEqual(snapshot(41n));
        expect(typeof loaded!.revision).toBe('bigint');
        // Another stream, even one whose name starts alike, has none.
        await expect(store.loadSnapshot(stream('optokens-x'))).resolves.toBeNull();
        await expect(store.loadSnapshot(`${stream()}-`)).resolves.toBeNull();
      });

      it('replaces the kept snapshot with a newer one, position and state too', async () => {
        await store.saveSnapshot(snapshot(0n, { state: '{"v":0}' }));
        await store.saveSnapshot(snapshot(1n, { state: '{"v":1}' }));
        expect(await store.loadSnapshot(stream())).toEqual(snapshot(1n, { state: '{"v":1}' }));
        await store.saveSnapshot(snapshot(10_000n, { state: '{"v":10000}' }));
        expect(await store.loadSnapshot(stream())).toEqual(snapshot(10_000n, { state: '{"v":10000}' }));
      });

      it('keeps the kept snapshot when an older one or one at the same revision is saved', async () => {
        await store.saveSnapshot(snapshot(10n, { state: '{"v":"kept"}' }));
        await store.saveSnapshot(snapshot(9n, { state: '{"v":"older"}' }));
        await store.saveSnapshot(snapshot(0n, { state: '{"v":"oldest"}' }));
        await store.saveSnapshot(snapshot(10n, { position: '1/1', state: '{"v":"same revision"}' }));
        // 9 < 10 as numbers, though not as text: "9" > "10".
        expect(await store.loadSnapshot(stream())).toEqual(snapshot(10n, { state: '{"v":"kept"}' }));
      });

      it('keeps the highest of concurrent saves, whatever the order they come in', async () => {
        const revisions = [7n, 3n, 12n, 0n, 11n, 2n, 9n, 12n, 5n, 1n];
        await Promise.all(revisions.map((revision) => store.saveSnapshot(snapshot(revision, { state: `{"v":${revision}}` }))));
        expect(await store.loadSnapshot(stream())).toEqual(snapshot(12n, { state: '{"v":12}' }));
        // On a stream never snapshotted too, where the first saves race to make it.
        const fresh = stream('fresh');
        await Promise.all(revisions.map((revision) => store.saveSnapshot(snapshot(revision, { stream: fresh }))));
        expect(await store.loadSnapshot(fresh)).toEqual(snapshot(12n, { stream: fresh }));
      });

      it('keeps streams apart', async () => {
        await store.saveSnapshot(snapshot(5n, { stream: stream('a') }));
        await store.saveSnapshot(snapshot(3n, { stream: stream('b') }));
        await store.saveSnapshot(snapshot(1n, { stream: stream('a') }));
        expect(await store.loadSnapshot(stream('a'))).toEqual(snapshot(5n, { stream: stream('a') }));
        expect(await store.loadSnapshot(stream('b'))).toEqual(snapshot(3n, { stream: stream('b') }));
      });

      it('keeps revisions past 2^53 exactly, up to 2^63 - 1', async () => {
        await store.saveSnapshot(snapshot(2n ** 53n));
        await store.saveSnapshot(snapshot(2n ** 53n + 1n));
        expect((await store.loadSnapshot(stream()))?.revision).toBe(2n ** 53n + 1n);
        await store.saveSnapshot(snapshot(MAX_SNAPSHOT_REVISION));
        await store.saveSnapshot(snapshot(MAX_SNAPSHOT_REVISION - 1n));
        expect(await store.loadSnapshot(stream())).toEqual(snapshot(MAX_SNAPSHOT_REVISION));
      });

      it('refuses a snapshot it cannot keep, keeping nothing of it', async () => {
        await store.saveSnapshot(snapshot(5n));
        await expect(store.saveSnapshot(snapshot(-1n))).rejects.toThrow(RangeError);
        await expect(store.saveSnapshot(snapshot(MAX_SNAPSHOT_REVISION + 1n))).rejects.toThrow(RangeError);
        await expect(store.saveSnapshot(snapshot(6n, { revision: 6 as unknown as bigint }))).rejects.toThrow(RangeError);
        await expect(store.saveSnapshot(snapshot(6n, { state: undefined as unknown as string }))).rejects.toThrow(RangeError);
        await expect(store.saveSnapshot(snapshot(6n, { position: null as unknown as string }))).rejects.toThrow(RangeError);
        await expect(store.saveSnapshot(snapshot(6n, { stream: '' }))).rejects.toThrow(RangeError);
        expect(await store.loadSnapshot(stream())).toEqual(snapshot(5n));
        await expect(store.loadSnapshot('')).resolves.toBeNull();
      });

      it('keeps snapshots through a sweep: they never expire', async () => {
        await store.saveSnapshot(snapshot(3n));
        await claim({ key: 'expiring', ttlMs: HOUR });
        await store.sweep(t0 + 3650 * DAY);
        expect(await store.loadSnapshot(stream())).toEqual(snapshot(3n));
      });

      it('keeps a large state (1 MiB of JSON, not all ASCII) exactly', async () => {
        const children = [];
        let state = '';
        for (let i = 0; state.length < 1024 * 1024; i += 1000) {
          for (let j = i; j < i + 1000; j++) children.push({ id: `key_${j}`, label: `clé n°${j} 🔑`, quota: j % 7 });
          state = JSON.stringify({ status: 'active', children });
        }
        await store.saveSnapshot(snapshot(10_000n, { state }));
        const loaded = await store.loadSnapshot(stream());
        expect(loaded?.state.length).toBe(state.length);
        expect(loaded?.state === state).toBe(true);
        expect(loaded?.revision).toBe(10_000n);
      });
    });

    describe('leases', () => {
      /** Lease names are store-wide: unique per test, as buckets are. */
      const name = (label = 'projections') => `${label}-${unique}`;
      const lease = (owner: string, expiresAt: number, label?: string): Lease => ({ name: name(label), owner, expiresAt });
      const claimLease = (owner: string, now: number, ttlMs = MINUTE, label?: string) => store.claimLease(name(label), owner, now, ttlMs);

      it('gives a free lease to its first claimant, until now + ttl', async () => {
        expect(await claimLease('p1', t0)).toEqual(lease('p1', t0 + MINUTE));
        // Another name is another lease.
        expect(await claimLease('p2', t0 + 1, MINUTE, 'other')).toEqual(lease('p2', t0 + 1 + MINUTE, 'other'));
      });

      it('answers the holder to another owner while the lease is live, changing nothing', async () => {
        await claimLease('p1', t0);
        expect(await claimLease('p2', t0 + 1, HOUR)).toEqual(lease('p1', t0 + MINUTE));
        expect(await claimLease('p2', t0 + MINUTE - 1, HOUR)).toEqual(lease('p1', t0 + MINUTE));
        // Neither the owner nor the expiry moved: a third owner sees the same, and takes it when it expires.
        expect(await claimLease('p3', t0 + MINUTE - 1)).toEqual(lease('p1', t0 + MINUTE));
        expect(await claimLease('p3', t0 + MINUTE)).toEqual(lease('p3', t0 + 2 * MINUTE));
      });

      it('lets the holder renew its lease: the expiry moves to its now + ttl', async () => {
        await claimLease('p1', t0);
        expect(await claimLease('p1', t0 + 30_000)).toEqual(lease('p1', t0 + 30_000 + MINUTE));
        // Past the first expiry, the renewed lease still holds.
        expect(await claimLease('p2', t0 + MINUTE + 1)).toEqual(lease('p1', t0 + 30_000 + MINUTE));
        // A renewal with a shorter ttl shortens it.
        expect(await claimLease('p1', t0 + MINUTE + 2, 1_000)).toEqual(lease('p1', t0 + MINUTE + 1_002));
        // And the holder may renew an expired lease of its own, no one having taken it.
        expect(await claimLease('p1', t0 + HOUR)).toEqual(lease('p1', t0 + HOUR + MINUTE));
      });

      it('lets another owner take the lease once it expired (now >= expiresAt)', async () => {
        await claimLease('p1', t0);
        expect(await claimLease('p2', t0 + MINUTE - 1)).toEqual(lease('p1', t0 + MINUTE));
        expect(await claimLease('p2', t0 + MINUTE)).toEqual(lease('p2', t0 + 2 * MINUTE));
        // The former holder is refused now, as any other owner.
        expect(await claimLease('p1', t0 + MINUTE + 1)).toEqual(lease('p2', t0 + 2 * MINUTE));
      });

      it("frees the lease at once on its holder's release, and ignores a release by anyone else", async () => {
        await claimLease('p1', t0);
        await store.releaseLease(name(), 'p2');
        await store.releaseLease(name('other'), 'p1');
        expect(await claimLease('p2', t0 + 1)).toEqual(lease('p1', t0 + MINUTE));
        await store.releaseLease(name(), 'p1');
        expect(await claimLease('p2', t0 + 2)).toEqual(lease('p2', t0 + 2 + MINUTE));
        // The former holder's late release does not free it again.
        await store.releaseLease(name(), 'p1');
        expect(await claimLease('p3', t0 + 3)).toEqual(lease('p2', t0 + 2 + MINUTE));
        // A lease never claimed is released without a fuss, and stays free.
        await store.releaseLease(name('never'), 'p1');
        expect(await claimLease('p3', t0 + 3, MINUTE, 'never')).toEqual(lease('p3', t0 + 3 + MINUTE, 'never'));
      });

      it('gives a free lease to exactly one of concurrent claimants, and every one of them the same answer', async () => {
        const owners = Array.from({ length: 10 }, (_, i) => `p${i}`);
        const answers = await Promise.all(owners.map((owner, i) => claimLease(owner, t0 + i)));
        const holder = answers[0]!;
        expect(owners).toContain(holder.owner);
        expect(answers).toEqual(owners.map(() => holder));
        expect(holder.expiresAt).toBe(t0 + owners.indexOf(holder.owner) + MINUTE);
        expect(await claimLease('late', t0 + 10)).toEqual(holder);
      });

      it('keeps leases through a sweep', async () => {
        await claimLease('p1', t0);
        await store.sweep(t0 + HOUR);
        expect(await claimLease('p2', t0 + 1)).toEqual(lease('p1', t0 + MINUTE));
      });

      it('refuses a claim or release it cannot make sense of, changing nothing', async () => {
        await claimLease('p1', t0);
        await expect(store.claimLease('', 'p2', t0, MINUTE)).rejects.toThrow(RangeError);
        await expect(store.claimLease(name(), '', t0, MINUTE)).rejects.toThrow(RangeError);
        await expect(store.claimLease(name(), 'p1', Number.NaN, MINUTE)).rejects.toThrow(RangeError);
        await expect(store.claimLease(name(), 'p1', Number.POSITIVE_INFINITY, MINUTE)).rejects.toThrow(RangeError);
        await expect(store.claimLease(name(), 'p1', String(t0) as unknown as number, MINUTE)).rejects.toThrow(RangeError);
        for (const ttlMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expect(store.claimLease(name(), 'p1', t0 + 1, ttlMs)).rejects.toThrow(RangeError);
        }
        await expect(store.releaseLease('', 'p1')).rejects.toThrow(RangeError);
        await expect(store.releaseLease(name(), '')).rejects.toThrow(RangeError);
        expect(await claimLease('p2', t0 + 1)).toEqual(lease('p1', t0 + MINUTE));
      });
    });

    describe('rate windows', () => {
      it('counts hits within a window, ending at the window end, and restarts in the next window', async () => {
        expect(await store.hit(bucket(), MINUTE, t0)).toEqual({ hits: 1, resetAt: t0 + MINUTE });
        expect(await store.hit(bucket(), MINUTE, t0 + 1_000)).toEqual({ hits: 2, resetAt: t0 + MINUTE });
        expect(await store.hit(bucket(), MINUTE, t0 + MINUTE - 1)).toEqual({ hits: 3, resetAt: t0 + MINUTE });
        expect(await store.hit(bucket(), MINUTE, t0 + MINUTE)).toEqual({ hits: 1, resetAt: t0 + 2 * MINUTE });
        expect(await store.hit(bucket(), MINUTE, t0 + MINUTE + 30_000)).toEqual({ hits: 2, resetAt: t0 + 2 * MINUTE });
      });

      it('aligns windows on multiples of their length, whatever time the first hit comes at', async () => {
        expect(await store.hit(bucket(), 10_000, t0 + 12_345)).toEqual({ hits: 1, resetAt: t0 + 20_000 });
        expect(await store.hit(bucket(), 10_000, t0 + 10_000)).toEqual({ hits: 2, resetAt: t0 + 20_000 });
        expect(await store.hit(bucket(), 10_000, t0 + 9_999)).toEqual({ hits: 1, resetAt: t0 + 10_000 });
      });

      it('keeps buckets apart, even ones whose names only differ around the separator', async () => {
        await store.hit(bucket('a'), MINUTE, t0);
        await store.hit(bucket('a'), MINUTE, t0);
        expect(await store.hit(bucket('b'), MINUTE, t0)).toEqual({ hits: 1, resetAt: t0 + MINUTE });
        expect(await store.hit(`${bucket('a')}|${t0}`, MINUTE, t0)).toEqual({ hits: 1, resetAt: t0 + MINUTE });
        expect(await store.hit(bucket('a'), MINUTE, t0)).toEqual({ hits: 3, resetAt: t0 + MINUTE });
      });

      it('counts concurrent hits exactly', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.hit(bucket(), MINUTE, t0 + i)));
        expect(results.map((r) => r.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(results.every((r) => r.resetAt === t0 + MINUTE)).toBe(true);
        expect(await store.hit(bucket(), MINUTE, t0)).toEqual({ hits: 21, resetAt: t0 + MINUTE });
      });
    });

    describe('idempotency records', () => {
      it('claims a key, then answers in_flight to the same request and mismatch to another', async () => {
        expect(await claim()).toEqual(claimed());
        expect(await claim({ now: t0 + 1_000 })).toEqual(inFlight());
        expect(await claim({ now: t0 + 1_000, fingerprint: 'POST /things #b' })).toEqual({ outcome: 'mismatch' });
        expect(await claim({ now: t0 + 1_000, fingerprint: 'PUT /things #a' })).toEqual({ outcome: 'mismatch' });
      });

      it('answers the stored response once completed, and mismatch to another request', async () => {
        expect(await claim()).toEqual(claimed());
        await store.complete(scope(), 'key_1', TOKEN, 201, '{"id":"thing_1"}', 'thing_1');
        const done = { outcome: 'done', status: 201, response: '{"id":"thing_1"}' };
        expect(await claim({ now: t0 + 1_000 })).toEqual(done);
        // Past the lock: a completed record is not a dead claim.
        expect(await claim({ now: t0 + 2 * MINUTE })).toEqual(done);
        expect(await claim({ now: t0 + 2 * MINUTE, fingerprint: 'POST /things #b' })).toEqual({ outcome: 'mismatch' });
      });

      it('stores a response without a subject', async () => {
        await claim();
        await store.complete(scope(), 'key_1', TOKEN, 422, '', null);
        expect(await claim({ now: t0 + 1 })).toEqual({ outcome: 'done', status: 422, response: '' });
      });

      it('keeps keys and scopes apart, even when scope and key could be joined alike', async () => {
        const a = { scope: `${scope()}:x`, key: 'y' };
        const b = { scope: scope(), key: 'x:y' };
        expect(await claim(a)).toEqual(claimed());
        expect(await claim({ ...b, fingerprint: 'other' })).toEqual(claimed());
        expect(await claim({ scope: scope('other'), key: 'key_1' })).toEqual(claimed());
        expect(await claim({ key: 'key_2' })).toEqual(claimed());
        await store.complete(a.scope, a.key, TOKEN, 200, 'a', null);
        expect(await claim({ ...a, now: t0 + 1 })).toEqual({ outcome: 'done', status: 200, response: 'a' });
        expect(await claim({ ...b, fingerprint: 'other', now: t0 + 1 })).toEqual(inFlight());
      });

      it('lets a new claim succeed after a release, even for another request', async () => {
        await claim();
        await store.release(scope(), 'key_1', TOKEN);
        expect(await claim({ now: t0 + 1_000, fingerprint: 'POST /things #b' })).toEqual(claimed());
        expect(await claim({ now: t0 + 2_000, fingerprint: 'POST /things #b' })).toEqual(inFlight());
      });

      it('releases only a claim in flight: a completed record stays', async () => {
        await claim();
        await store.complete(scope(), 'key_1', TOKEN, 200, 'kept', null);
        await store.release(scope(), 'key_1', TOKEN);
        expect(await claim({ now: t0 + 1 })).toEqual({ outcome: 'done', status: 200, response: 'kept' });
        await store.release(scope(), 'never-claimed', TOKEN);
        expect(await claim({ key: 'never-claimed' })).toEqual(claimed());
      });

      it('lets the same request take over a claim whose lock expired, with a new lock', async () => {
        await claim({ lockMs: 5_000 });
        expect(await claim({ now: t0 + 4_999 })).toEqual(inFlight());
        // The key still stands for the first request: another one is a mismatch, lock or no lock.
        expect(await claim({ now: t0 + 5_001, fingerprint: 'POST /things #b' })).toEqual({ outcome: 'mismatch' });
        expect(await claim({ now: t0 + 5_001, lockMs: 5_000 })).toEqual(claimed());
        expect(await claim({ now: t0 + 9_000 })).toEqual(inFlight());
        expect(await claim({ now: t0 + 10_002 })).toEqual(claimed());
      });

      it('gives a retry of a released request its commandId back, and another request its own', async () => {
        expect(await claim({ commandId: 'cmd_1' })).toEqual(claimed('cmd_1'));
        await store.release(scope(), 'key_1', TOKEN);
        expect(await claim({ now: t0 + 1, commandId: 'cmd_2', token: 'token_2' })).toEqual(claimed('cmd_1'));
        await store.release(scope(), 'key_1', 'token_2');
        expect(await claim({ now: t0 + 2, commandId: 'cmd_3', fingerprint: 'POST /things #b' })).toEqual(claimed('cmd_3'));
      });

      it('takes over at once, with its commandId, a claim whose owner is gone, and only that one', async () => {
        expect(await claim({ owner: 'p1', commandId: 'cmd_1' })).toEqual(claimed('cmd_1'));
        expect(await claim({ now: t0 + 1, owner: 'p2', commandId: 'cmd_2' })).toEqual(inFlight('p1'));
        expect(await claim({ now: t0 + 1, owner: 'p2', ownerGone: 'p3' })).toEqual(inFlight('p1'));
        expect(await claim({ now: t0 + 1, owner: 'p2', ownerGone: 'p1', commandId: 'cmd_2', token: 'token_2' })).toEqual(claimed('cmd_1'));
        expect(await claim({ now: t0 + 2, owner: 'p3', ownerGone: 'p1' })).toEqual(inFlight('p2'));
        // The gone owner's late completion is not the new claim's.
        await store.complete(scope(), 'key_1', TOKEN, 201, 'late', null);
        await store.complete(scope(), 'key_1', 'token_2', 201, 'mine', null);
        expect(await claim({ now: t0 + 3 })).toEqual({ outcome: 'done', status: 201, response: 'mine' });
      });

      it('takes a record fingerprinted under a former key for the same request, and keeps its fingerprint', async () => {
        expect(await claim({ fingerprint: 'under-old-key' })).toEqual(claimed());
        await store.release(scope(), 'key_1', TOKEN);
        const rotated = { fingerprint: 'under-new-key', formerFingerprints: ['under-old-key'] };
        expect(await claim({ ...rotated, now: t0 + 1, commandId: 'cmd_2' })).toEqual(claimed(COMMAND));
        expect(await claim({ ...rotated, now: t0 + 2, formerFingerprints: ['other'] })).toEqual({ outcome: 'mismatch' });
        expect(await claim({ now: t0 + 3, fingerprint: 'under-old-key' })).toEqual(inFlight());
      });

      it('ignores a late completion or release by a claim that was taken over', async () => {
        await claim({ lockMs: 5_000 });
        expect(await claim({ now: t0 + 5_001, token: 'token_b' })).toEqual(claimed());
        await store.complete(scope(), 'key_1', TOKEN, 201, 'late', null);
        await store.release(scope(), 'key_1', TOKEN);
        expect(await claim({ now: t0 + 5_002 })).toEqual(inFlight());
        await store.complete(scope(), 'key_1', 'token_b', 201, 'mine', null);
        expect(await claim({ now: t0 + 5_003 })).toEqual({ outcome: 'done', status: 201, response: 'mine' });
      });

      it('lets any request claim a key again once its record expired, clearing what it stood for', async () => {
        await claim({ ttlMs: HOUR });
        await store.complete(scope(), 'key_1', TOKEN, 201, 'old', 'thing_old');
        expect(await claim({ now: t0 + HOUR, fingerprint: 'POST /things #b' })).toEqual({ outcome: 'mismatch' });
        expect(await claim({ now: t0 + HOUR + 1, fingerprint: 'POST /things #b' })).toEqual(claimed());
        expect(await claim({ now: t0 + HOUR + 2, fingerprint: 'POST /things #b' })).toEqual(inFlight());
        // The new claim is not about the old subject any more.
        expect(await store.purgeSubject(scope(), 'thing_old')).toBe(0);
        expect(await claim({ now: t0 + HOUR + 3, fingerprint: 'POST /things #b' })).toEqual(inFlight());

        // An expired claim that was never completed, its lock still running, goes too.
        await claim({ key: 'key_2', ttlMs: MINUTE, lockMs: HOUR });
        expect(await claim({ key: 'key_2', now: t0 + MINUTE + 1, fingerprint: 'other' })).toEqual(claimed());
      });

      it('answers claimed to exactly one of concurrent claims of one key', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 10 }, (_, i) => claim({ now: t0 + i, fingerprint: `POST /things #${i % 2 ? 'a' : 'b'}` })),
        );
        expect(outcomes.filter((o) => o.outcome === 'claimed')).toHaveLength(1);
        expect(outcomes.every((o) => ['claimed', 'in_flight', 'mismatch'].includes(o.outcome))).toBe(true);
      });

      it('answers claimed to exactly one of concurrent take-overs of an expired claim', async () => {
        await claim({ lockMs: 1_000 });
        const outcomes = await Promise.all(Array.from({ length: 10 }, () => claim({ now: t0 + 2_000, lockMs: 1_000 })));
        expect(outcomes.filter((o) => o.outcome === 'claimed')).toHaveLength(1);
        expect(outcomes.filter((o) => o.outcome === 'in_flight')).toHaveLength(9);
      });

      it("purges only the subject's records of the scope, and a purged key is claimable again", async () => {
        const records: [string, string, string | null][] = [
          [scope(), 'k1', 'thing_1'],
          [scope(), 'k2', 'thing_1'],
          [scope(), 'k3', 'thing_2'],
          [scope(), 'k4', null],
          [scope('other'), 'k5', 'thing_1'],
        ];
        for (const [s, k, subject] of records) {
          await claim({ scope: s, key: k });
          await store.complete(s, k, TOKEN, 200, k, subject);
        }
        await claim({ key: 'k6' }); // in flight, no subject yet

        expect(await store.purgeSubject(scope(), 'thing_1')).toBe(2);
        expect(await store.purgeSubject(scope(), 'thing_1')).toBe(0);
        expect(await claim({ key: 'k1', now: t0 + 1, fingerprint: 'other' })).toEqual(claimed());
        expect(await claim({ key: 'k2', now: t0 + 1 })).toEqual(claimed());
        expect(await claim({ key: 'k3', now: t0 + 1 })).toEqual({ outcome: 'done', status: 200, response: 'k3' });
        expect(await claim({ key: 'k4', now: t0 + 1 })).toEqual({ outcome: 'done', status: 200, response: 'k4' });
        expect(await claim({ scope: scope('other'), key: 'k5', now: t0 + 1 })).toEqual({
          outcome: 'done',
          status: 200,
          response: 'k5',
        });
        expect(await claim({ key: 'k6', now: t0 + 1 })).toEqual(inFlight());
      });
    });

    it('sweeps expired records and past windows, and keeps the rest', async () => {
      await claim({ key: 'short', ttlMs: HOUR });
      await store.complete(scope(), 'short', TOKEN, 200, 'short', null);
      await claim({ key: 'short-in-flight', ttlMs: HOUR });
      await claim({ key: 'long', ttlMs: DAY });
      await store.complete(scope(), 'long', TOKEN, 200, 'long', null);
      await store.hit(bucket('past'), MINUTE, t0);
      await store.hit(bucket('past'), MINUTE, t0);
      await store.hit(bucket('current'), 2 * HOUR, t0);

      const now = t0 + HOUR + 1;
      // At least this test's two expired records and its past window; on a shared server, maybe more.
      expect(await store.sweep(now)).toBeGreaterThanOrEqual(3);
      // They are gone, not just counted: nothing expired by then is left.
      expect(await store.sweep(now)).toBe(0);
      // What had not expired is kept; a swept window starts counting again.
      expect(await claim({ key: 'long', now })).toEqual({ outcome: 'done', status: 200, response: 'long' });
      expect(await store.hit(bucket('current'), 2 * HOUR, now)).toEqual({ hits: 2, resetAt: t0 + 2 * HOUR });
      expect(await store.hit(bucket('past'), MINUTE, t0)).toEqual({ hits: 1, resetAt: t0 + MINUTE });
      expect(await claim({ key: 'short', now, fingerprint: 'other' })).toEqual(claimed());
    });

    it('answers a ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
