import { randomUUID } from 'node:crypto';
import {
  EventStore,
  NewEvent,
  RecordedEvent,
  WrongExpectedRevisionError,
  comparePositions,
  formatPosition,
} from './event-store.port';

export type OpenEventStore = () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>;

const newEvent = (type: string, data: Record<string, unknown> = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { schemaVersion: 1, requestId: 'req-test' },
});

/** Takes `count` events from a subscription, then stops it. */
async function take(iterable: AsyncIterable<RecordedEvent>, count: number, controller: AbortController) {
  const seen: RecordedEvent[] = [];
  for await (const event of iterable) {
    seen.push(event);
    if (seen.length === count) break;
  }
  controller.abort();
  return seen;
}

/**
 * The behaviour every event store adapter must show. Stream names are unique per test so the suite can
 * run against a shared server; subscriptions start from the head so other data does not matter.
 */
export function eventStoreContract(adapter: string, open: OpenEventStore): void {
  describe(`EventStore contract: ${adapter}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let stream: string;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
      stream = `contract-${randomUUID().replace(/-/g, '')}`;
    });
    afterEach(async () => cleanup());

    it('reads back appended events in order with their data, metadata and revisions', async () => {
      await store.append(stream, [newEvent('A', { n: 1 }), newEvent('B', { n: 2 })], 'no_stream');
      const events = await store.readStream(stream);
      expect(events.map((e) => [e.type, e.data, e.revision])).toEqual([
        ['A', { n: 1 }, 0n],
        ['B', { n: 2 }, 1n],
      ]);
      expect(events[0]!.metadata).toEqual({ schemaVersion: 1, requestId: 'req-test' });
      expect(events[0]!.stream).toBe(stream);
      expect(comparePositions(events[0]!.position, events[1]!.position)).toBeLessThan(0);
    });

    it('reads an unknown stream as empty', async () => {
      await expect(store.readStream(stream)).resolves.toEqual([]);
    });

    describe('reading from a revision', () => {
      /** Five events over three appends, with another stream's events between them: those are left out. */
      async function fiveEvents(): Promise<RecordedEvent[]> {
        const other = `${stream}-other`;
        await store.append(other, [newEvent('O0')], 'no_stream');
        await store.append(stream, [newEvent('E0', { n: 0 }), newEvent('E1', { n: 1 })], 'no_stream');
        await store.append(other, [newEvent('O1')], 0n);
        await store.append(stream, [newEvent('E2', { n: 2 })], 1n);
        await store.append(stream, [newEvent('E3', { n: 3 }), newEvent('E4', { n: 4 })], 2n);
        await store.append(other, [newEvent('O2')], 1n);
        const all = await store.readStream(stream);
        expect(all.map((e) => [e.type, e.revision])).toEqual([0, 1, 2, 3, 4].map((n) => [`E${n}`, BigInt(n)]));
        return all;
      }
      const described = (events: RecordedEvent[]) => events.map((e) => [e.id, e.type, e.revision, e.data, formatPosition(e.position)]);

      it('reads the whole stream from revision 0', async () => {
        const all = await fiveEvents();
        expect(described(await store.readStream(stream, { fromRevision: 0n }))).toEqual(described(all));
        expect(described(await store.readStream(stream, {}))).toEqual(described(all));
      });

      it('reads from the middle: the event at the revision and those after it, in order', async () => {
        const all = await fiveEvents();
        expect(described(await store.readStream(stream, { fromRevision: 2n }))).toEqual(described(all.slice(2)));
        expect(described(await store.readStream(stream, { fromRevision: 1n }))).toEqual(described(all.slice(1)));
      });

      it('reads only the last event from the last revision', async () => {
        const all = await fiveEvents();
        const last = await store.readStream(stream, { fromRevision: 4n });
        expect(described(last)).toEqual(described(all.slice(4)));
        expect(last[0]!.metadata).toEqual({ schemaVersion: 1, requestId: 'req-test' });
      });

      it('reads nothing from past the end, however far', async () => {
        await fiveEvents();
        for (const fromRevision of [5n, 6n, 1_000n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n]) {
          await expect(store.readStream(stream, { fromRevision })).resolves.toEqual([]);
        }
      });

      it('reads an unknown stream as empty from any revision', async () => {
        for (const fromRevision of [0n, 1n, 100n]) {
          await expect(store.readStream(stream, { fromRevision })).resolves.toEqual([]);
        }
      });

      it('refuses a negative revision', async () => {
        await fiveEvents();
        await expect(store.readStream(stream, { fromRevision: -1n })).rejects.toThrow(RangeError);
        await expect(store.readStream(`${stream}-none`, { fromRevision: -1n })).rejects.toThrow(RangeError);
      });

      it('reads events appended after an earlier read from its next revision', async () => {
        const all = await fiveEvents();
        const next = all[all.length - 1]!.revision + 1n;
        await expect(store.readStream(stream, { fromRevision: next })).resolves.toEqual([]);
        await store.append(stream, [newEvent('E5', { n: 5 })], 4n);
        expect((await store.readStream(stream, { fromRevision: next })).map((e) => [e.type, e.revision, e.data])).toEqual([
          ['E5', 5n, { n: 5 }],
        ]);
      });
    });

    it('appends at the expected revision and reports the next one', async () => {
      const first = await store.append(stream, [newEvent('A')], 'no_stream');
      expect(first.nextRevision).toBe(0n);
      const second = await store.append(stream, [newEvent('B'), newEvent('C')], 0n);
      expect(second.nextRevision).toBe(2n);
      expect(comparePositions(first.position, second.position)).toBeLessThan(0);
    });

    it('rejects an append at a stale revision and stores nothing of it', async () => {
      await store.append(stream, [newEvent('A'), newEvent('B')], 'no_stream');
      await expect(store.append(stream, [newEvent('C')], 0n)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append(stream, [newEvent('C')], 'no_stream')).rejects.toBeInstanceOf(
        WrongExpectedRevisionError,
      );
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B']);
    });

    it('rejects an expected revision on a stream that does not exist', async () => {
      await expect(store.append(stream, [newEvent('A')], 0n)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream(stream)).toEqual([]);
    });

    it("answers a stream's last revision, or no_stream", async () => {
      expect(await store.streamRevision(stream)).toBe('no_stream');
      await store.append(stream, [newEvent('A'), newEvent('B')], 'no_stream');
      await store.append(`${stream}-other`, [newEvent('C')], 'no_stream');
      expect(await store.streamRevision(stream)).toBe(1n);
      await store.append(stream, [newEvent('D')], 1n);
      expect(await store.streamRevision(stream)).toBe(2n);
    });

    it("appends with 'any' whatever the stream's revision", async () => {
      await store.append(stream, [newEvent('A')], 'any');
      await store.append(stream, [newEvent('B')], 'any');
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B']);
    });

    it('recognises a retried append by its event ids and does not double it', async () => {
      const events = [newEvent('A'), newEvent('B')];
      const first = await store.append(stream, events, 'no_stream');
      const retry = await store.append(stream, events, 'no_stream');
      expect(retry.nextRevision).toBe(first.nextRevision);
      expect(comparePositions(retry.position, first.position)).toBe(0);
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('finds the events of a stream by id, in revision order, and none of another stream', async () => {
      const [a, b, c] = [newEvent('A'), newEvent('B'), newEvent('C')];
      await store.append(stream, [a, b], 'no_stream');
      await store.append(stream, [c], 'any');
      const other = newEvent('D');
      await store.append(`${stream}-other`, [other], 'no_stream');
      const found = await store.readEventsById(stream, [c.id, a.id, randomUUID(), other.id]);
      expect(found.map((e) => [e.type, e.revision])).toEqual([
        ['A', 0n],
        ['C', 2n],
      ]);
      await expect(store.readEventsById(`${stream}-none`, [a.id])).resolves.toEqual([]);
    });

    it('lets exactly one of two racing appends at the same revision win', async () => {
      await store.append(stream, [newEvent('A')], 'no_stream');
      const results = await Promise.allSettled([
        store.append(stream, [newEvent('B')], 0n),
        store.append(stream, [newEvent('C')], 0n),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('subscribes from a position: past events first, then new ones as they are appended', async () => {
      const controller = new AbortController();
      const before = await store.append(stream, [newEvent('Before')], 'no_stream');
      await store.append(stream, [newEvent('A1')], 0n);
      const subscription = store.subscribeToAll({ after: before.position, signal: controller.signal });
      const received = take(subscription, 3, controller);
      await store.append(stream, [newEvent('A2'), newEvent('A3')], 1n);
      const events = (await received).filter((e) => e.stream === stream);
      expect(events.map((e) => e.type)).toEqual(['A1', 'A2', 'A3']);
    });

    it('delivers the log in position order across streams', async () => {
      const controller = new AbortController();
      const head = await store.headPosition();
      const other = `${stream}-other`;
      await store.append(stream, [newEvent('S1')], 'no_stream');
      await store.append(other, [newEvent('O1')], 'no_stream');
      await store.append(stream, [newEvent('S2')], 0n);
      const events = (await take(store.subscribeToAll({ after: head, signal: controller.signal }), 3, controller))
        .filter((e) => e.stream === stream || e.stream === other);
      expect(events.map((e) => e.type)).toEqual(['S1', 'O1', 'S2']);
      for (let i = 1; i < events.length; i++) {
        expect(comparePositions(events[i - 1]!.position, events[i]!.position)).toBeLessThan(0);
      }
    });

    it('ends a subscription when its signal aborts', async () => {
      const controller = new AbortController();
      const iterator = store.subscribeToAll({ after: await store.headPosition(), signal: controller.signal });
      const drained = (async () => {
        const seen: RecordedEvent[] = [];
        for await (const event of iterator) seen.push(event);
        return seen;
      })();
      setTimeout(() => controller.abort(), 100);
      await expect(drained).resolves.toBeInstanceOf(Array);
    });

    it('reports the head position as the last appended event', async () => {
      const result = await store.append(stream, [newEvent('A'), newEvent('B')], 'no_stream');
      const head = await store.headPosition();
      expect(head).not.toBeNull();
      expect(comparePositions(head!, result.position)).toBeGreaterThanOrEqual(0);
    });
  });
}
