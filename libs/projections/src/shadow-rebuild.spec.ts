import { randomUUID } from 'node:crypto';
import { InMemoryEventStore } from '@onehazel/event-store';
import { InMemoryReadStore } from '@onehazel/read-store';
import { Projector } from './projector';
import { operatorsProjection } from './projections/operators.projection';
import { platformsProjection } from './projections/platforms.projection';
import { Collections } from './projections/read-models';
import { rebuildInShadow, SHADOW_PREFIX } from './shadow-rebuild';

const projections = [platformsProjection, operatorsProjection];
const created = (operatorId: string) => ({
  id: randomUUID(),
  type: 'OperatorCreated',
  data: { operatorId, platformId: 'plt_1', name: operatorId, plan: 'starter', contactEmail: 'sealed', industry: null, createdAt: '2026-01-01T00:00:00.000Z' },
  metadata: {},
});

describe('rebuildInShadow', () => {
  let events: InMemoryEventStore;
  let read: InMemoryReadStore;
  let live: Projector;

  beforeEach(async () => {
    events = new InMemoryEventStore();
    read = new InMemoryReadStore();
    live = new Projector(events, read, projections);
    for (const id of ['op_a', 'op_b']) await events.append(`operator-${id}`, [created(id)], 'no_stream');
    await live.catchUp();
  });

  const operators = async () => (await read.getMany(Collections.operators, ['op_a', 'op_b', 'op_c', 'op_d'])).map((operator) => operator.id).sort();

  it('swaps in read models rebuilt from the whole log, with no shadow left', async () => {
    // A read model the log does not explain: the rebuild replaces it with what the log says.
    await read.commit('main', (await read.getCheckpoint('main'))!, (await read.getCheckpoint('main'))!, [{ kind: 'delete', collection: Collections.operators, id: 'op_b' }]);

    await rebuildInShadow({ events, read, projections });

    expect(await operators()).toEqual(['op_a', 'op_b']);
    expect(await read.getMany(SHADOW_PREFIX + Collections.operators, ['op_a', 'op_b'])).toEqual([]);
    expect(await read.getCheckpoint('main__shadow')).toBeNull();
  });

  it('projects at once what the live projector committed past the shadow just before the swap', async () => {
    const swap = read.swapShadow.bind(read);
    read.swapShadow = async (args) => {
      // Just before the swap: a write, projected by the live projector, that the shadow has not seen.
      await events.append('operator-op_c', [created('op_c')], 'no_stream');
      await live.catchUp();
      return swap(args);
    };

    await rebuildInShadow({ events, read, projections });

    expect(await operators()).toEqual(['op_a', 'op_b', 'op_c']);
    expect(await read.getCheckpoint('main')).toBe(await live.storedCheckpoint().then((position) => position && `${position.commit}/${position.prepare}`));
  });
});
