import { randomUUID } from 'node:crypto';
import { eventStoreContract } from './event-store.contract';
import { NewEvent, RecordedEvent, formatPosition } from './event-store.port';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter';

const url = process.env.EVENTSTORE_URL;

const newEvent = (type: string): NewEvent => ({ id: randomUUID(), type, data: { type }, metadata: { schemaVersion: 1 } });

/** What the adapter decides before any call: these run without a server. */
describe('EventStoreDB adapter, before it sends anything', () => {
  it('refuses an append over the maximum append size before sending it (AppendTooLargeError)', async () => {
    // Port 1 on loopback: nothing listens, and nothing is sent, since the size is checked first.
    const store = new EventStoreDbEventStore('esdb://127.0.0.1:1?tls=false', 1000);
    try {
      const big: NewEvent = { id: randomUUID(), type: 'Big', data: { blob: 'x'.repeat(600) }, metadata: { pad: 'y'.repeat(500) } };
      await expect(store.append('too-large', [big], 'no_stream')).rejects.toMatchObject({ name: 'AppendTooLargeError', maxBytes: 1000, stream: 'too-large' });
    } finally {
      await store.close();
    }
  });
});

if (url) {
  eventStoreContract('EventStoreDB', async () => {
    const store = new EventStoreDbEventStore(url);
    return { store, cleanup: () => store.close() };
  });

  describe('EventStoreDB adapter positions', () => {
    it('reports the last event of a multi-event append at the position the subscription delivers it', async () => {
      const store = new EventStoreDbEventStore(url);
      const stream = `positions-${randomUUID().replace(/-/g, '')}`;
      const controller = new AbortController();
      try {
        const head = await store.headPosition();
        const result = await store.append(stream, [newEvent('A'), newEvent('B'), newEvent('C')], 'no_stream');
        const delivered: RecordedEvent[] = [];
        for await (const event of store.subscribeToAll({ after: head, signal: controller.signal })) {
          if (event.stream === stream) delivered.push(event);
          if (delivered.length === 3) break;
        }
        expect(formatPosition(delivered[2]!.position)).toBe(formatPosition(result.position));
        const read = await store.readStream(stream);
        expect(read.map((e) => formatPosition(e.position))).toEqual(delivered.map((e) => formatPosition(e.position)));
      } finally {
        controller.abort();
        await store.close();
      }
    });
  });
} else {
  // Not console.info: Jest's default reporter drops the console output of a file whose tests are all skipped.
  process.stderr.write(
    'EventStoreDB adapter contract skipped: set EVENTSTORE_URL (for example esdb://localhost:2113?tls=false) ' +
      'to run it against a server, e.g. `EVENTSTORE_URL=esdb://localhost:2113?tls=false npx jest libs/event-store`.\n',
  );
  describe.skip('EventStoreDB adapter contract (skipped: set EVENTSTORE_URL to run it)', () => {
    it('runs the EventStore contract against EventStoreDB', () => undefined);
  });
}
