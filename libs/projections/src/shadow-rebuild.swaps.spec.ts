import { randomUUID } from 'node:crypto';
import { comparePositions, formatPosition, InMemoryEventStore, Position, RecordedEvent } from '@onehazel/event-store';
import { holdOf, InMemoryReadStore } from '@onehazel/read-store';
import { InMemoryRequestStore } from '@onehazel/request-store';
import { Projection, ReadModelWriter } from './projection';
import { Projector } from './projector';
import { rebuildInShadow } from './shadow-rebuild';

const behind = (shown: Position | null, acknowledged: Position) => shown === null || comparePositions(shown, acknowledged) < 0;
const ev = (type: string, data: Record<string, unknown> = {}) => ({ id: randomUUID(), type, data, metadata: {} });
/** Puts one document per event into its collection. */
const logOf = (name: string): Projection => ({
  name,
  collections: [`${name}_docs`],
  indexes: [],
  apply: async (event: RecordedEvent, writer: ReadModelWriter) => writer.put(`${name}_docs`, { id: event.id, type: event.type }),
});
/** Reads a's documents: on K, records whether the referenced a document exists. */
const readsA: Projection = {
  name: 'r',
  collections: ['r_docs'],
  reads: ['a_docs'],
  indexes: [],
  apply: async (event, writer) => {
    if (event.type === 'K') writer.put('r_docs', { id: event.id, found: (await writer.get('a_docs', String(event.data.ref))) !== null });
  },
};

describe('rebuildInShadow: swaps whose holds lapse', () => {
  let events: InMemoryEventStore;
  let read: InMemoryReadStore;
  let requests: InMemoryRequestStore;
  // Short holds, and a live projector that looks again soon: a hold the test lets lapse is taken back at once.
  const holdMs = 300;
  beforeEach(() => {
    events = new InMemoryEventStore();
    read = new InMemoryReadStore();
    requests = new InMemoryRequestStore();
  });

  it.each([
    ['rebuilt beside a built one', ['b', 'n']],
    ['built alone, while another is held', ['n']],
  ])('a new projection %s does not go live behind a write acknowledged after the hold lapsed', async (_, only) => {
    const b = logOf('b');
    const n = logOf('n'); // new: never built
    await events.append('s', [ev('E1')], 'any');
    await new Projector(events, read, [b]).catchUp();
    const live = new Projector(events, read, [b, n], { retryDelayMs: 10 });
    const swap = read.swapShadow.bind(read);
    let acknowledged: string | null = null;
    let violation: string | null = null;
    read.swapShadow = async (args) => {
      if (acknowledged !== null || !args.checkpoints.some((one) => one.live === 'main/n')) return swap(args);
      // Right before n goes live: b's hold lapses, and a command is recorded, projected into b and acknowledged.
      const appended = await events.append('s', [ev('E2')], 'any');
      await live.catchUp(); // waits for the hold to lapse, takes b back, projects E2 into it
      const shown = await live.storedCheckpoint(); // read-your-writes waits for this
      if (shown === null || comparePositions(shown, appended.position) < 0) throw new Error('E2 was not acknowledged: the test did not interleave');
      acknowledged = formatPosition(shown);
      await swap(args);
      const docs = await read.find('n_docs', { limit: 100 });
      if (!docs.some((doc) => doc.type === 'E2')) violation = `E2 acknowledged at ${acknowledged}, but n went live without it: ${JSON.stringify(docs)}`;
    };
    await rebuildInShadow({ events, read, requests, owner: 'me', projections: [b, n], only, holdMs });
    expect(acknowledged).not.toBeNull();
    expect(violation).toBeNull();
    expect((await read.find('n_docs', { limit: 100 })).map((doc) => doc.type).sort()).toEqual(['E1', 'E2']);
  });

  it('projections that read one another go live in one swap: when a hold lapses, the whole group is held and swapped again', async () => {
    const a = logOf('a');
    const [first] = (await events.append('s', [ev('E1')], 'any'), await events.readStream('s'));
    const live = new Projector(events, read, [a, readsA], { retryDelayMs: 10 });
    await live.catchUp();
    const swap = read.swapShadow.bind(read);
    let interleaved = false;
    read.swapShadow = async (args) => {
      if (!interleaved && args.checkpoints.some((one) => one.live === 'main/r')) {
        interleaved = true;
        // r's hold lapsed and the live projector took it back (as subscribeOnce does), then projected a new K
        const held = (await read.getCheckpoint('main/r'))!;
        const position = JSON.parse(held.slice('held:'.length)).position as string;
        await read.commitAll([{ name: 'main/r', expected: held, next: position }], []);
        await events.append('s', [ev('K', { ref: first!.id })], 'any');
        await live.catchUp();
      }
      return swap(args);
    };
    await rebuildInShadow({ events, read, requests, owner: 'me', projections: [a, readsA], only: ['a'], holdMs });
    expect(interleaved).toBe(true);
    const fresh = new InMemoryReadStore();
    await new Projector(events, fresh, [a, readsA]).rebuild();
    expect(await fresh.find('r_docs', { limit: 10 })).toEqual([expect.objectContaining({ found: true })]);
    expect(await read.find('r_docs', { limit: 10 })).toEqual(await fresh.find('r_docs', { limit: 10 }));
  });

  it('on an empty log, a new projection does not go live from the beginning behind a write acknowledged meanwhile', async () => {
    const b = logOf('b');
    const n = logOf('n'); // new
    const live = new Projector(events, read, [b, n]);
    await read.commitAll([{ name: 'main/b', expected: null, next: 'start' }], []); // b built, on an empty log
    const head = events.headPosition.bind(events);
    let acknowledged: Position | null = null;
    events.headPosition = async () => {
      const found = await head();
      if (acknowledged === null) {
        // The rebuild has seen the log empty: a command is recorded, projected into b and acknowledged meanwhile.
        const appended = await events.append('s', [ev('E1')], 'any');
        await live.catchUp(appended.position);
        if (behind(await live.storedCheckpoint(), appended.position)) throw new Error('E1 was not acknowledged: the test did not interleave');
        acknowledged = appended.position;
      }
      return found;
    };
    await rebuildInShadow({ events, read, requests, owner: 'me', projections: [b, n], only: ['n'] });
    expect(acknowledged).not.toBeNull();
    const shown = await live.storedCheckpoint();
    expect({ shown: shown && formatPosition(shown), n: await read.find('n_docs', { limit: 10 }) }).toEqual({
      shown: formatPosition(acknowledged!),
      n: [expect.objectContaining({ type: 'E1' })],
    });
  });

  it.each([
    ['before it tags its shadow', 'getCheckpoint'],
    ['between its tag and its swap', 'swapShadow'],
  ])('a rebuild that lost its lease %s swaps nothing in, and leaves the other rebuild’s restarted shadow alone', async (_, stallIn) => {
    const x = logOf('x');
    await events.append('s', [ev('E1'), ev('E2')], 'any');
    const live = new Projector(events, read, [x]);
    await live.catchUp();
    const acknowledged = (await live.storedCheckpoint())!;
    const two = {
      claimLease: (name: string, owner: string, now: number, ttl: number) => requests.claimLease(name, owner, now + 61_000, ttl),
      releaseLease: (name: string, owner: string) => requests.releaseLease(name, owner),
    };
    let r1Resume!: () => void;
    const r1Resumes = new Promise<void>((resolve) => (r1Resume = resolve));
    let r2: Promise<string> | null = null;
    // R1 stalls here past its lease (GC, a slow store); R2 takes over.
    const stall = async (): Promise<void> => {
      r2 = rebuildInShadow({ events, read, requests: two, owner: 'two', projections: [x], only: ['x'] }).then(() => 'done', (error: Error) => error.message);
      await r1Resumes;
    };
    const get = read.getCheckpoint.bind(read);
    read.getCheckpoint = async (name) => {
      if (stallIn === 'getCheckpoint' && name === 'main__shadow/x' && r2 === null) await stall();
      return get(name);
    };
    const violations: string[] = [];
    const commitAll = read.commitAll.bind(read);
    let shadowStarts = 0;
    read.commitAll = async (moves, changes) => {
      await commitAll(moves, changes);
      if (moves.some((move) => move.name === 'main__shadow/x' && move.expected === null && move.next === 'start') && ++shadowStarts === 2) {
        r1Resume(); // R2 has reset the shadow and started it again from the beginning: R1 goes on now, and ends
        await r1;
        if ((await get('main__shadow/x')) !== 'start') violations.push('R1, ending, cleared the shadow R2 had started');
      }
    };
    const swap = read.swapShadow.bind(read);
    read.swapShadow = async (args) => {
      if (stallIn === 'swapShadow' && r2 === null) await stall();
      await swap(args);
      const shown = await live.storedCheckpoint();
      const holder = args.checkpoints[0]?.expectedLive ? holdOf(args.checkpoints[0].expectedLive)?.holder : undefined;
      if (behind(shown, acknowledged)) violations.push(`${holder}'s swap: x live at ${shown && formatPosition(shown)}, behind ${formatPosition(acknowledged)}`);
    };
    const r1 = rebuildInShadow({ events, read, requests, owner: 'one', projections: [x], only: ['x'] }).then(() => 'done', (error: Error) => error.message);
    expect(await r1).toMatch(/another rebuild/);
    expect(await r2).toBe('done');
    expect(violations).toEqual([]);
    expect((await read.find('x_docs', { limit: 10 })).length).toBe(2);
  });

  it('a swap’s tag survives a later hold of its checkpoint (the cap of a new projection’s build): a batch staged against the old read model stays refused', async () => {
    const x = logOf('x');
    const y = logOf('y'); // added later
    await events.append('s', [ev('E1')], 'any');
    await new Projector(events, read, [x]).catchUp();
    const before = (await read.getCheckpoint('main/x'))!;
    // a stale projector staged a batch against the old x read model, expecting `before`
    await rebuildInShadow({ events, read, requests, owner: 'me', projections: [x], only: ['x'] });
    expect(await read.getCheckpoint('main/x')).not.toBe(before); // tagged: the stale batch cannot land
    // later, a new projection y is added and built: x is the cap, held and given back
    await rebuildInShadow({ events, read, requests, owner: 'me', projections: [x, y], only: ['y'] });
    // the stale batch must still be refused
    await expect(read.commitAll([{ name: 'main/x', expected: before, next: before }], [{ kind: 'put', collection: 'x_docs', document: { id: 'stale' } }])).rejects.toThrow();
  });

  it('a rebuild that lost its lease leaves alone the shadow of the rebuild that took it over', async () => {
    const x = logOf('x');
    await events.append('s', [ev('E1'), ev('E2')], 'any');
    await new Projector(events, read, [x]).catchUp();
    let claims = 0;
    let r1Go!: () => void;
    const r1Waits = new Promise<void>((resolve) => (r1Go = resolve));
    let startR2!: () => void;
    const r2Starts = new Promise<void>((resolve) => (startR2 = resolve));
    const one = {
      claimLease: async (name: string, owner: string, now: number, ttl: number) => {
        if (++claims === 2) {
          startR2(); // R1 stalls here (GC, a slow store) past its lease's expiry
          await r1Waits;
        }
        return requests.claimLease(name, owner, now, ttl);
      },
      releaseLease: (name: string, owner: string) => requests.releaseLease(name, owner),
    };
    const two = {
      claimLease: (name: string, owner: string, now: number, ttl: number) => requests.claimLease(name, owner, now + 61_000, ttl),
      releaseLease: (name: string, owner: string) => requests.releaseLease(name, owner),
    };
    const r1 = rebuildInShadow({ events, read, requests: one, owner: 'one', projections: [x], only: ['x'] });
    const r1Done = r1.then(() => 'done', (error: Error) => error.name);
    await r2Starts;
    const get = read.getCheckpoint.bind(read);
    let once = false;
    read.getCheckpoint = async (name) => {
      if (name === 'main__shadow/x' && !once) {
        once = true; // R2 is about to swap: R1 resumes, finds its lease lost and stops
        r1Go();
        await r1Done;
      }
      return get(name);
    };
    const r2 = rebuildInShadow({ events, read, requests: two, owner: 'two', projections: [x], only: ['x'] });
    await expect(r2).resolves.toBeUndefined();
    expect(await r1Done).toBe('RebuildRunningError');
    expect((await read.find('x_docs', { limit: 10 })).length).toBe(2);
  });
});
