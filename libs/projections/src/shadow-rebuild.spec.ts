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

  /** Before each swap (the first `times` of them): a write the live projector projects and the shadow has not seen. */
  const writeBeforeSwaps = (times: number) => {
    const swap = read.swapShadow.bind(read);
    const written: string[] = [];
    read.swapShadow = async (args) => {
      if (written.length < times) {
        const id = `op_w${written.length}`;
        written.push(id);
        await events.append(`operator-${id}`, [created(id)], 'no_stream');
        await live.catchUp();
      }
      return swap(args);
    };
    return written;
  };

  it('does not swap behind a commit of the live projector: it catches up again and swaps then', async () => {
    const written = writeBeforeSwaps(1);
    const swaps = jest.spyOn(read, 'swapShadow');

    await rebuildInShadow({ events, read, projections });

    expect(swaps).toHaveBeenCalledTimes(2);
    expect(await read.getMany(Collections.operators, written)).toHaveLength(1);
  });

  it('under writes before every attempt, swaps anyway and projects at once what the shadow had not seen', async () => {
    const written = writeBeforeSwaps(1000);

    await rebuildInShadow({ events, read, projections });

    expect(written.length).toBeGreaterThan(5);
    expect((await read.getMany(Collections.operators, written)).map((operator) => operator.id).sort()).toEqual([...written].sort());
    expect(await read.getCheckpoint('main')).toBe(await live.storedCheckpoint().then((position) => position && `${position.commit}/${position.prepare}`));
  });
});
