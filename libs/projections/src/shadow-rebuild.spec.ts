import { randomUUID } from 'node:crypto';
import { comparePositions, formatPosition, InMemoryEventStore, Position } from '@onehazel/event-store';
import { checkpointPosition, holdOf, InMemoryReadStore } from '@onehazel/read-store';
import { InMemoryRequestStore } from '@onehazel/request-store';
import { Projector } from './projector';
import { operatorsProjection } from './projections/operators.projection';
import { platformsProjection } from './projections/platforms.projection';
import { Collections } from './projections/read-models';
import { rebuildInShadow, RebuildRunningError, SHADOW_PREFIX, shadowCheckpointOf } from './shadow-rebuild';
import { afterFirstHold } from './shadow-rebuild.spec-helper';

const projections = [platformsProjection, operatorsProjection];
const created = (operatorId: string) => ({
  id: randomUUID(),
  type: 'OperatorCreated',
  data: { operatorId, platformId: 'plt_1', name: operatorId, plan: 'starter', contactEmail: 'sealed', industry: null, createdAt: '2026-01-01T00:00:00.000Z' },
  metadata: {},
});
const registered = (platformId: string) => ({
  id: randomUUID(),
  type: 'PlatformRegistered',
  data: { platformId, name: platformId, registeredAt: '2026-01-01T00:00:00.000Z' },
  metadata: {},
});

describe('rebuildInShadow', () => {
  let events: InMemoryEventStore;
  let read: InMemoryReadStore;
  let requests: InMemoryRequestStore;
  let live: Projector;
  const rebuild = (options: { only?: string[]; signal?: AbortSignal; owner?: string } = {}) =>
    rebuildInShadow({ events, read, requests, owner: options.owner ?? 'rebuilder', projections, only: options.only, signal: options.signal });

  beforeEach(async () => {
    events = new InMemoryEventStore();
    read = new InMemoryReadStore();
    requests = new InMemoryRequestStore();
    live = new Projector(events, read, projections);
    await events.append('platform-plt_1', [registered('plt_1')], 'no_stream');
    for (const id of ['op_a', 'op_b']) await events.append(`operator-${id}`, [created(id)], 'no_stream');
    await live.catchUp();
  });

  const operators = async (ids = ['op_a', 'op_b', 'op_c', 'op_d']) => (await read.getMany(Collections.operators, ids)).map((operator) => operator.id).sort();
  /** A read model the log does not explain: a rebuild replaces it with what the log says. */
  const damage = (collection: string, id: string) => read.commitAll([], [{ kind: 'delete', collection, id }]);
  const checkpointOf = async (projection: string) => read.getCheckpoint(`main/${projection}`);

  it('swaps in read models rebuilt from the whole log, with no shadow left, and each projection at the log head', async () => {
    await damage(Collections.operators, 'op_b');

    await rebuild();

    expect(await operators()).toEqual(['op_a', 'op_b']);
    expect(await read.getMany(SHADOW_PREFIX + Collections.operators, ['op_a', 'op_b'])).toEqual([]);
    expect(await read.getCheckpoint(shadowCheckpointOf('main', 'operators'))).toBeNull();
    const head = formatPosition((await events.headPosition())!);
    expect(checkpointPosition((await checkpointOf('operators'))!)).toBe(head);
    expect(checkpointPosition((await checkpointOf('platforms'))!)).toBe(head);
  });

  it('rebuilds only the projections named, and leaves the others as they are', async () => {
    await damage(Collections.operators, 'op_b');
    await damage(Collections.platforms, 'plt_1');

    await rebuild({ only: ['operators'] });

    expect(await operators()).toEqual(['op_a', 'op_b']);
    expect(await read.get(Collections.platforms, 'plt_1')).toBeNull();
  });

  it('refuses a projection that does not exist, naming those that do, and changes nothing', async () => {
    await expect(rebuild({ only: ['operatorz'] })).rejects.toThrow('no projection operatorz; there are: platforms, operators');
    expect(await read.getCheckpoint(shadowCheckpointOf('main', 'operators'))).toBeNull();
  });

  it('refuses to run beside another rebuild on the same stores', async () => {
    await requests.claimLease('rebuild:main', 'someone-else', Date.now(), 60_000);
    await expect(rebuild()).rejects.toBeInstanceOf(RebuildRunningError);
  });

  it('holds the projection while it swaps: a write the live projector commits meanwhile is not acknowledged before the rebuilt read model has it', async () => {
    let written: Position | null = null;
    let shownWhileHeld: Position | null = null;
    afterFirstHold(read, async () => {
      written = (await events.append('operator-op_c', [created('op_c')], 'no_stream')).position;
      await live.catchUp(); // the live projector commits the write, for every projection it holds
      shownWhileHeld = await live.storedCheckpoint(); // what read-your-writes waits for
    });

    await rebuild({ only: ['operators'] });

    // While held, the read models did not claim the write: a command that made it was still waiting.
    expect(comparePositions(shownWhileHeld!, written!)).toBeLessThan(0);
    // Once swapped, the rebuilt read model has it, and every checkpoint is past it.
    expect(await operators()).toEqual(['op_a', 'op_b', 'op_c']);
    expect(comparePositions((await live.storedCheckpoint())!, written!)).toBeGreaterThanOrEqual(0);
  });

  it('never swaps an acknowledged write away: one the live projector committed just before the swap is either still unacknowledged or in the rebuilt read model', async () => {
    const swap = read.swapShadow.bind(read);
    const seen: { acknowledged: boolean; visibleAfterSwap: boolean }[] = [];
    read.swapShadow = async (args) => {
      const written = (await events.append(`operator-op_w${seen.length}`, [created(`op_w${seen.length}`)], 'no_stream')).position;
      await live.catchUp();
      const shown = await live.storedCheckpoint();
      const acknowledged = shown !== null && comparePositions(shown, written) >= 0; // read-your-writes would have answered
      await swap(args);
      seen.push({ acknowledged, visibleAfterSwap: (await operators([`op_w${seen.length}`])).length === 1 });
    };

    await rebuild({ only: ['operators'] });

    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter(({ acknowledged, visibleAfterSwap }) => acknowledged && !visibleAfterSwap)).toEqual([]);
    expect(await operators(['op_w0'])).toEqual(['op_w0']);
  });

  it('goes on from the rebuilt checkpoint: later writes are projected into the rebuilt read model once each', async () => {
    afterFirstHold(read, async () => {
      await events.append('operator-op_c', [created('op_c')], 'no_stream');
      await live.catchUp();
    });
    await rebuild({ only: ['operators'] });

    await events.append('operator-op_d', [created('op_d')], 'no_stream');
    await live.catchUp();

    expect(await operators()).toEqual(['op_a', 'op_b', 'op_c', 'op_d']);
    expect(checkpointPosition((await checkpointOf('operators'))!)).toBe(formatPosition((await events.headPosition())!));
  });

  it.each([
    ['right after its hold', 'hold'],
    ['right before its swap, the shadow caught up', 'swap'],
  ])('interrupted while it holds a projection (%s), gives it back to the live projector at once, and the live read model is untouched', async (_, when) => {
    await damage(Collections.operators, 'op_b'); // a rebuild that swapped would bring it back
    const interrupt = new AbortController();
    if (when === 'hold') {
      afterFirstHold(read, async () => {
        expect(holdOf((await checkpointOf('operators'))!)).not.toBeNull();
        interrupt.abort();
      });
    } else {
      // The lease is asked again right before the swap: the interrupt comes while it is.
      const claim = requests.claimLease.bind(requests);
      requests.claimLease = async (...args) => {
        if (holdOf((await checkpointOf('operators'))!) !== null) interrupt.abort();
        return claim(...args);
      };
    }

    await expect(rebuild({ only: ['operators'], signal: interrupt.signal })).rejects.toThrow();

    expect(await operators()).toEqual(['op_a']);
    expect(holdOf((await checkpointOf('operators'))!)).toBeNull();
    await events.append('operator-op_c', [created('op_c')], 'no_stream');
    await live.catchUp();
    expect(await operators()).toEqual(['op_a', 'op_c']);
    // Run again, it starts afresh and finishes.
    await rebuild({ only: ['operators'] });
    expect(await operators()).toEqual(['op_a', 'op_b', 'op_c']);
  });

  it('a hold whose rebuild died lapses: the live projector takes the projection back from where it was held', async () => {
    await read.holdCheckpoint('main/operators', 'a-dead-rebuild', Date.now() + 50);
    await events.append('operator-op_c', [created('op_c')], 'no_stream');
    await live.catchUp(); // platforms goes on; operators is held
    expect(await operators()).toEqual(['op_a', 'op_b']);

    await new Promise((resolve) => setTimeout(resolve, 60));
    await live.catchUp();

    expect(await operators()).toEqual(['op_a', 'op_b', 'op_c']);
    expect(checkpointPosition((await checkpointOf('operators'))!)).toBe(formatPosition((await events.headPosition())!));
  });
});
