import { randomUUID } from 'node:crypto';
import { eventStoreContract } from './event-store.contract';
import { RecordedEvent } from './event-store.port';
import { InMemoryEventStore } from './in-memory-event-store.adapter';

eventStoreContract('in memory', async () => {
  const store = new InMemoryEventStore();
  return { store, cleanup: () => store.close() };
});

describe('InMemoryEventStore', () => {
  const event = (data: Record<string, unknown> = {}) => ({ id: randomUUID(), type: 'A', data, metadata: {} });

  it('refuses an event id reused for other content, and stores nothing of it', async () => {
    const store = new InMemoryEventStore();
    const first = event({ n: 1 });
    await store.append('s-1', [first], 'no_stream');
    await expect(store.append('s-1', [{ ...first, data: { n: 2 } }], 0n)).rejects.toThrow(/expected revision/);
    await expect(store.append('s-2', [first], 'no_stream')).rejects.toThrow(/expected revision/);
    expect((await store.readStream('s-1')).map((e) => e.data)).toEqual([{ n: 1 }]);
    expect(await store.readStream('s-2')).toEqual([]);
  });

  it('numbers positions from 1, commit and prepare alike, as the SQLite log does', async () => {
    const store = new InMemoryEventStore();
    expect(await store.headPosition()).toBeNull();
    expect((await store.append('s-1', [event(), event()], 'no_stream')).position).toEqual({ commit: 2n, prepare: 2n });
    expect((await store.readStream('s-1')).map((e) => e.position)).toEqual([
      { commit: 1n, prepare: 1n },
      { commit: 2n, prepare: 2n },
    ]);
    expect(await store.headPosition()).toEqual({ commit: 2n, prepare: 2n });
  });

  it('stamps events with the injected clock and keeps them from the caller’s later changes', async () => {
    const store = new InMemoryEventStore({ now: () => new Date('2026-05-01T00:00:00.000Z') });
    const data = { nested: { n: 1 } };
    await store.append('s-1', [event(data)], 'no_stream');
    data.nested.n = 2;
    const [read] = await store.readStream('s-1');
    (read!.data.nested as { n: number }).n = 3;
    expect(await store.readStream('s-1')).toMatchObject([{ data: { nested: { n: 1 } }, recordedAt: '2026-05-01T00:00:00.000Z' }]);
  });

  it('refuses an append that holds one event id twice, and stores nothing of it', async () => {
    const store = new InMemoryEventStore();
    const twice = event();
    await expect(store.append('s-1', [twice, { ...twice, type: 'B' }], 'no_stream')).rejects.toThrow(/same event id twice/);
    expect(await store.readStream('s-1')).toEqual([]);
    expect(await store.headPosition()).toBeNull();
  });

  it('ends a waiting subscription when the store closes', async () => {
    const store = new InMemoryEventStore();
    await store.append('s-1', [event()], 'no_stream');
    const drained = (async () => {
      const seen: RecordedEvent[] = [];
      for await (const recorded of store.subscribeToAll()) seen.push(recorded);
      return seen;
    })();
    await new Promise((resolve) => setImmediate(resolve));
    await store.close();
    expect((await drained).map((e) => e.stream)).toEqual(['s-1']);
  });
});
