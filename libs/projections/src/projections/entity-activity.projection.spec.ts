import { CheckpointMovedError } from '@onehazel/read-store';
import type { EntityEventRecorded } from '@onehazel/domain';
import { ProjectionSpec } from '../projection.spec-helper';
import { Collections, EntityEventView, EntityStateView } from './read-models';

const created = (entityId = 'ent_1', externalId = 'player_1') =>
  ({
    type: 'EntityCreated',
    data: {
      entityId,
      operatorId: 'op_1',
      externalIdHash: `hmac-of-${externalId}`,
      sealedExternalId: `oh1.sealed-${externalId}`,
      entityType: 'player',
      data: {},
      piiFields: [],
      keyId: 'k',
      createdAt: '2026-04-06T09:00:00.000Z',
    },
  }) as const;

let eventIds = 0;
const recorded = (
  eventType: string,
  data: Record<string, unknown>,
  fields: Partial<EntityEventRecorded['data']> = {},
): EntityEventRecorded => ({
  type: 'EntityEventRecorded',
  data: {
    eventId: `evt_${++eventIds}`,
    entityId: 'ent_1',
    operatorId: 'op_1',
    eventType,
    occurredAt: '2026-04-06T10:00:00.000Z',
    data,
    piiFields: [],
    recordedAt: '2026-04-06T10:00:00.000Z',
    ...fields,
  },
});

/** Given these events, then this state: event types and field names are the user's, keyed as own properties. */
describe('entity activity projection: states keyed by names Object.prototype already has', () => {
  let spec: ProjectionSpec;
  beforeEach(async () => {
    spec = await ProjectionSpec.start();
  });

  it('counts and sums an event type and fields named like Object.prototype members as any others', async () => {
    // Each event its own batch, read back from the store between them, as the projector runs.
    await spec.given(
      created(),
      recorded('constructor', { constructor: 5, toString: 1 }),
      recorded('constructor', { constructor: 2, valueOf: 3 }),
      recorded('tostring', { hasOwnProperty: 4 }),
    );
    const state = (await spec.get<EntityStateView>(Collections.entityStates, 'ent_1'))!;
    expect(state.eventCount).toBe(3);
    expect(JSON.parse(JSON.stringify(state.byType))).toEqual({
      constructor: { count: 2, sums: { constructor: 7, toString: 1, valueOf: 3 } },
      tostring: { count: 1, sums: { hasOwnProperty: 4 } },
    });
  });
});

describe('entity activity projection: events and the state derived from them', () => {
  let spec: ProjectionSpec;
  const state = () => spec.get<EntityStateView>(Collections.entityStates, 'ent_1');
  const events = (entityId = 'ent_1') =>
    spec.find<EntityEventView>(Collections.entityEvents, { where: { entityId }, orderBy: 'recordedPosition', limit: 100 });

  beforeEach(async () => {
    spec = await ProjectionSpec.start();
    await spec.given(created(), created('ent_2', 'player_2'));
  });

  it('sums numbers per event type, leaving out personal fields and what is not a finite number, and keeps first and last seen', async () => {
    await spec.givenOneBatch(
      recorded('deposit', { amount: 10, currency: 'EUR', ip_address: 7 }, { piiFields: ['ip_address'], occurredAt: '2026-04-06T12:00:00.000Z' }),
      recorded('deposit', { amount: 2.5, bonus: '3' }, { occurredAt: '2026-04-06T08:00:00.000Z' }),
      recorded('bet', { stake: 4 }, { occurredAt: '2026-04-06T11:00:00.000Z' }),
      recorded('bet', { stake: 1 }, { entityId: 'ent_2' }),
    );
    expect(await state()).toEqual({
      id: 'ent_1',
      operatorId: 'op_1',
      eventCount: 3,
      byType: { deposit: { count: 2, sums: { amount: 12.5 } }, bet: { count: 1, sums: { stake: 4 } } },
      firstSeen: '2026-04-06T08:00:00.000Z',
      lastSeen: '2026-04-06T12:00:00.000Z',
    });
    expect(await spec.get(Collections.entityStates, 'ent_2')).toMatchObject({ eventCount: 1, byType: { bet: { count: 1, sums: { stake: 1 } } } });
  });

  it('keeps no externalId from an event of schemaVersion 1, which named it in clear', async () => {
    await spec.given(recorded('login', {}, { externalId: 'player_1' }));
    const [view] = await events();
    expect(JSON.stringify([view, await state()])).not.toContain('player_1');
  });

  it('lists an entity’s events in the order they were recorded in the log, not by their ids, and no other entity’s', async () => {
    await spec.given(
      recorded('b', {}, { eventId: 'evt_z' }),
      recorded('a', {}, { eventId: 'evt_a', entityId: 'ent_2'}),
      recorded('c', {}, { eventId: 'evt_m' }),
    );
    await spec.givenOneBatch(recorded('d', {}, { eventId: 'evt_0' }));
    expect((await events()).map((e) => [e.id, e.eventType])).toEqual([
      ['evt_z', 'b'],
      ['evt_m', 'c'],
      ['evt_0', 'd'],
    ]);
  });

  it('on erasure strips the payloads of the entity’s events, removes its state, and keeps no event recorded after', async () => {
    await spec.given(
      recorded('login', { device_id: 'sealed-envelope', count: 1 }, { piiFields: ['device_id'] }),
      recorded('login', { count: 1 }, { entityId: 'ent_2' }),
    );
    // The erasure and an event recorded before it in the same batch: the staged event is stripped too.
    await spec.givenOneBatch(recorded('deposit', { amount: 5 }), { type: 'EntityErased', data: { entityId: 'ent_1', operatorId: 'op_1', erasedAt: 't9' } });
    await spec.given(recorded('late', { amount: 1 }));

    expect(await state()).toBeNull();
    const stripped = await events();
    expect(stripped.map((e) => e.eventType)).toEqual(['login', 'deposit']);
    for (const event of stripped) expect(event).toMatchObject({ data: {}, piiFields: [], redacted: true });
    expect(JSON.stringify(stripped)).not.toContain('sealed-envelope');
    // Another entity's activity is untouched.
    expect(await events('ent_2')).toMatchObject([{ data: { count: 1 }, redacted: false }]);
    expect(await spec.get(Collections.entityStates, 'ent_2')).toMatchObject({ eventCount: 1 });
  });

  it('keeps no activity of an entity it never saw created', async () => {
    await spec.given(recorded('login', { count: 1 }, { entityId: 'ent_unknown' }));
    expect(await events('ent_unknown')).toEqual([]);
    expect(await spec.get(Collections.entityStates, 'ent_unknown')).toBeNull();
  });

  it('does not apply an event twice: a batch staged again from a checkpoint already passed is refused whole', async () => {
    const before = spec.checkpoint;
    const [deposit] = await spec.given(recorded('deposit', { amount: 5 }));
    // A second projector (or a restart that read the old checkpoint) delivers the same event again.
    await expect(spec.batch([deposit!], before)).rejects.toBeInstanceOf(CheckpointMovedError);
    expect(await state()).toMatchObject({ eventCount: 1, byType: { deposit: { count: 1, sums: { amount: 5 } } } });
    expect(await events()).toHaveLength(1);
  });
});
