import { randomUUID } from 'node:crypto';
import { InMemoryEventStore } from '@onehazel/event-store';
import { InMemoryReadStore } from '@onehazel/read-store';
import { InMemoryRequestStore } from '@onehazel/request-store';
import { Projector } from './projector';
import { operatorsProjection } from './projections/operators.projection';
import { platformsProjection } from './projections/platforms.projection';
import { Collections } from './projections/read-models';
import { rebuildInShadow } from './shadow-rebuild';

const projections = [platformsProjection, operatorsProjection];
const ev = (type: string, data: Record<string, unknown>) => ({ id: randomUUID(), type, data, metadata: {} });
const created = (operatorId: string) =>
  ev('OperatorCreated', { operatorId, platformId: 'plt_1', name: operatorId, plan: 'starter', contactEmail: 'sealed', industry: null, createdAt: '2026-01-01T00:00:00.000Z' });

describe('rebuildInShadow: fencing the live projector and other rebuilds', () => {
  let events: InMemoryEventStore;
  let read: InMemoryReadStore;
  let requests: InMemoryRequestStore;

  beforeEach(async () => {
    events = new InMemoryEventStore();
    read = new InMemoryReadStore();
    requests = new InMemoryRequestStore();
    await events.append('platform-plt_1', [ev('PlatformRegistered', { platformId: 'plt_1', name: 'plt_1', registeredAt: '2026-01-01T00:00:00.000Z' })], 'no_stream');
    await events.append('operator-op_a', [created('op_a')], 'no_stream');
    await new Projector(events, read, projections).catchUp();
  });

  it('swaps in a checkpoint value the live one never had: a batch the live projector staged against the old read model cannot commit over the rebuilt one', async () => {
    // The damage the rebuild is run to repair.
    const opA = (await read.get(Collections.operators, 'op_a'))!;
    await read.commitAll([], [{ kind: 'put', collection: Collections.operators, document: { ...opA, name: 'CORRUPT' } }]);

    // The server's live projector: its batch is staged, and its commit is about to be sent, when the rebuild holds and swaps.
    let staged!: () => void;
    const reachedCommit = new Promise<void>((resolve) => (staged = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = new Projector(events, read, projections, {
      beforeCommit: async () => {
        staged();
        await gate;
      },
    });
    let serverDone: Promise<void> | null = null;

    const hold = read.holdCheckpoint.bind(read);
    read.holdCheckpoint = async (...args) => {
      if (!serverDone) {
        // After the shadow caught up with the live checkpoint H, before the hold: an update arrives and the
        // server stages it, reading op_a from the live (damaged) read model, expecting the operators checkpoint H.
        await events.append('operator-op_a', [ev('OperatorUpdated', { operatorId: 'op_a', changes: { industry: 'igaming' }, updatedAt: '2026-01-02T00:00:00.000Z' })], 0n);
        serverDone = server.catchUp();
        await reachedCommit;
      }
      return hold(...args);
    };
    const swap = read.swapShadow.bind(read);
    read.swapShadow = async (args) => {
      await swap(args); // the live checkpoint is H again: the shadow stopped at the held position
      release(); // the server's commit lands now, between the swap and the rebuild's own catch-up
      await serverDone;
    };

    await rebuildInShadow({ events, read, requests, owner: 'rebuilder', projections, only: ['operators'] });

    // A fresh replay: name op_a, industry igaming. The rebuilt read model must equal it.
    expect(await read.get(Collections.operators, 'op_a')).toMatchObject({ name: 'op_a', industry: 'igaming' });
  });

  it('stops, swapping nothing, once its lease renewal finds another rebuild holding it', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'Date', 'hrtime', 'performance', 'queueMicrotask'] });
    try {
      let renewalsSeen: string[] = [];
      const claim = requests.claimLease.bind(requests);
      requests.claimLease = async (...args) => {
        const lease = await claim(...args);
        renewalsSeen.push(lease.owner);
        return lease;
      };
      const hold = read.holdCheckpoint.bind(read);
      read.holdCheckpoint = async (...args) => {
        // The rebuild stalled past its lease's TTL: another process's rebuild claims the lease...
        await claim('rebuild:main', 'other-rebuild', Date.now() + 61_000, 60_000);
        // ...and the renewal runs and finds it taken.
        jest.advanceTimersByTime(20_000);
        await new Promise((resolve) => setImmediate(resolve));
        return hold(...args);
      };
      let swapped = false;
      const swap = read.swapShadow.bind(read);
      read.swapShadow = async (args) => {
        swapped = true;
        return swap(args);
      };
      await rebuildInShadow({ events, read, requests, owner: 'rebuilder', projections, only: ['operators'] }).catch(() => undefined);
      expect(renewalsSeen).toContain('other-rebuild'); // the renewal did see it
      expect(swapped).toBe(false);
      renewalsSeen = [];
    } finally {
      jest.useRealTimers();
    }
  });
});
