import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@onehazel/event-store';
import { SqliteReadStore } from '@onehazel/read-store';
import { StagedChanges } from '../projection';
import { allProjections } from '../index';
import { Collections, EntityStateView } from './read-models';

/** Given these events, then this state: event types and field names are the user's, keyed as own properties. */
describe('entity activity projection: states keyed by names Object.prototype already has', () => {
  let dir: string;
  let store: SqliteReadStore;
  let position = 0;

  const event = (type: string, data: Record<string, unknown>): RecordedEvent => {
    position += 1;
    return { id: `e${position}`, stream: 's', revision: 0n, position: { commit: BigInt(position), prepare: BigInt(position) }, type, data, metadata: {}, recordedAt: '' };
  };
  const recorded = (eventType: string, data: Record<string, unknown>) =>
    event('EntityEventRecorded', {
      eventId: `evt_${position}`,
      entityId: 'ent_1',
      operatorId: 'op_1',
      externalId: 'player_1',
      eventType,
      occurredAt: '2026-04-06T10:00:00.000Z',
      data,
      piiFields: [],
      recordedAt: '2026-04-06T10:00:00.000Z',
    });
  // Each event its own batch, read back from the store between them, as the projector runs.
  const given = async (events: RecordedEvent[]) => {
    let checkpoint: string | null = null;
    for (const one of events) {
      const staged = new StagedChanges(store);
      for (const projection of allProjections) await projection.apply(one, staged);
      const next = String(one.position.commit);
      await store.commit('main', checkpoint, next, staged.list());
      checkpoint = next;
    }
  };

  beforeEach(async () => {
    position = 0;
    dir = mkdtempSync(join(tmpdir(), 'oh-activity-projection-'));
    store = new SqliteReadStore(join(dir, 'read.db'));
    await store.ensureIndexes(allProjections.flatMap((projection) => [...projection.indexes]));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts and sums an event type and fields named like Object.prototype members as any others', async () => {
    await given([
      event('EntityCreated', {
        entityId: 'ent_1', operatorId: 'op_1', externalId: 'player_1', entityType: 'player', data: {}, piiFields: [], keyId: 'k', createdAt: '2026-04-06T09:00:00.000Z',
      }),
      recorded('constructor', { constructor: 5, toString: 1 }),
      recorded('constructor', { constructor: 2, valueOf: 3 }),
      recorded('tostring', { hasOwnProperty: 4 }),
    ]);
    const state = (await store.get(Collections.entityStates, 'ent_1')) as EntityStateView;
    expect(state.eventCount).toBe(3);
    expect(JSON.parse(JSON.stringify(state.byType))).toEqual({
      constructor: { count: 2, sums: { constructor: 7, toString: 1, valueOf: 3 } },
      tostring: { count: 1, sums: { hasOwnProperty: 4 } },
    });
  });
});
