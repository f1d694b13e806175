import { randomUUID } from 'node:crypto';
import { comparePositions, InMemoryEventStore, Position } from '@onehazel/event-store';
import { checkpointPosition, InMemoryReadStore } from '@onehazel/read-store';
import { InMemoryRequestStore } from '@onehazel/request-store';
import { Projector } from './projector';
import { allProjections } from './index';
import { Collections } from './projections/read-models';
import { rebuildInShadow } from './shadow-rebuild';
import { afterFirstHold } from './shadow-rebuild.spec-helper';

const ev = (type: string, data: Record<string, unknown>) => ({ id: randomUUID(), type, data, metadata: {} });
const platform = () => ev('PlatformRegistered', { platformId: 'plt_1', name: 'plt_1', registeredAt: '2026-01-01T00:00:00.000Z' });
const operator = (operatorId: string) =>
  ev('OperatorCreated', { operatorId, platformId: 'plt_1', name: operatorId, plan: 'growth', contactEmail: 'sealed', industry: null, createdAt: '2026-01-01T00:00:00.000Z' });
const key = (keyId: string, operatorId: string) =>
  ev('ApiKeyIssued', { keyId, operatorId, keyHash: `hash-${keyId}`, lastFour: '1234', label: keyId, tier: 'live', issuedBy: 'admin', issuedAt: '2026-01-01T00:00:00.000Z' });
const entity = (entityId: string) =>
  ev('EntityCreated', { entityId, operatorId: 'op_a', externalIdHash: `h-${entityId}`, sealedExternalId: `s-${entityId}`, entityType: 'player', data: {}, piiFields: [], keyId: 'k', createdAt: '2026-01-01T00:00:00.000Z' });
const activity = (eventId: string, entityId: string) =>
  ev('EntityEventRecorded', { eventId, entityId, operatorId: 'op_a', eventType: 'deposit', occurredAt: '2026-01-01T00:00:00.000Z', data: { amount: 5 }, piiFields: [], recordedAt: '2026-01-01T00:00:00.000Z' });

describe('rebuildInShadow: projections that read others’ collections, and new projections', () => {
  let events: InMemoryEventStore;
  let read: InMemoryReadStore;
  let requests: InMemoryRequestStore;
  let live: Projector;
  const rebuild = (only?: string[], projections = allProjections) =>
    rebuildInShadow({ events, read, requests, owner: 'rebuilder', projections, only });

  beforeEach(async () => {
    events = new InMemoryEventStore();
    read = new InMemoryReadStore();
    requests = new InMemoryRequestStore();
    live = new Projector(events, read, allProjections);
    await events.append('platform-plt_1', [platform()], 'no_stream');
    await events.append('operator-op_a', [operator('op_a')], 'no_stream');
    await events.append('keyring-op_a', [key('key_1', 'op_a')], 'no_stream');
    await events.append('entity-ent_1', [entity('ent_1'), activity('evt_1', 'ent_1')], 'no_stream');
    await live.catchUp();
  });

  it('rebuilds api-keys with operators, which it reads: every key keeps its operator’s status', async () => {
    expect(await read.get(Collections.apiKeys, 'key_1')).toMatchObject({ operatorStatus: 'active', operatorPlan: 'growth' });
    await rebuild(['api-keys']);
    expect(await read.get(Collections.apiKeys, 'key_1')).toMatchObject({ operatorStatus: 'active', operatorPlan: 'growth' });
  });

  it('rebuilds entity-activity with entities, which it reads: no activity event is dropped', async () => {
    expect(await read.get(Collections.entityEvents, 'evt_1')).not.toBeNull();
    await rebuild(['entity-activity']);
    expect(await read.get(Collections.entityEvents, 'evt_1')).not.toBeNull();
    expect(await read.get(Collections.entityStates, 'ent_1')).not.toBeNull();
  });

  it('while a rebuild holds operators, leaves api-keys alone too: a new key of a new operator is not stamped suspended', async () => {
    // The interleaving: right after the rebuild holds operators, a new operator and its key are recorded and projected live.
    afterFirstHold(read, async () => {
      await events.append('operator-op_b', [operator('op_b')], 'no_stream');
      await events.append('keyring-op_b', [key('key_2', 'op_b')], 'no_stream');
      await live.catchUp(); // api-keys (live) applies ApiKeyIssued; operators (held) does not have op_b
    });
    await rebuild(['operators']);
    // A fresh replay of the same log says active:
    const fresh = new InMemoryReadStore();
    await new Projector(events, fresh, allProjections).rebuild();
    expect(await fresh.get(Collections.apiKeys, 'key_2')).toMatchObject({ operatorStatus: 'active' });
    expect(await read.get(Collections.apiKeys, 'key_2')).toMatchObject({ operatorStatus: 'active' });
  });

  it('while a rebuild holds entities, leaves entity-activity alone too: no activity event of a new entity is dropped', async () => {
    afterFirstHold(read, async () => {
      await events.append('entity-ent_2', [entity('ent_2'), activity('evt_2', 'ent_2')], 'no_stream');
      await live.catchUp();
    });
    await rebuild(['entities']);
    expect(await read.get(Collections.entities, 'ent_2')).not.toBeNull();
    expect(await read.get(Collections.entityEvents, 'evt_2')).not.toBeNull(); // a fresh replay has it
  });

  it('leaves a projection alone while one it reads is held, and applies both from where they were once it is given back', async () => {
    const held = await read.holdCheckpoint('main/operators', 'a-rebuild', Date.now() + 60_000);
    await events.append('operator-op_b', [operator('op_b')], 'no_stream');
    await events.append('keyring-op_b', [key('key_2', 'op_b')], 'no_stream');
    await live.catchUp();
    expect(await read.get(Collections.apiKeys, 'key_2')).toBeNull(); // not stamped from an operators read model that lacks op_b

    await read.commitAll([{ name: 'main/operators', expected: held, next: checkpointPosition(held!) }], []);
    await live.catchUp();

    expect(await read.get(Collections.apiKeys, 'key_2')).toMatchObject({ operatorStatus: 'active' });
  });

  /** A store built without settings; a process with it builds it in the shadow. */
  const withoutSettings = async () => {
    events = new InMemoryEventStore();
    read = new InMemoryReadStore();
    await events.append('platform-plt_1', [platform()], 'no_stream');
    await events.append('operator-op_a', [operator('op_a')], 'no_stream');
    await new Projector(events, read, allProjections.filter((p) => p.name !== 'settings')).catchUp();
    live = new Projector(events, read, allProjections);
  };
  /** A command recorded and projected by the live projector: whether read-your-writes would answer it now. */
  const command = async (id: string) => {
    const written = (await events.append(`operator-${id}`, [operator(id)], 'no_stream')).position;
    await live.catchUp();
    const shown = await live.storedCheckpoint();
    return { written, acknowledged: shown !== null && comparePositions(shown, written) >= 0 };
  };
  const stillAcknowledged = async (written: Position) => comparePositions((await live.storedCheckpoint())!, written) >= 0;

  it('swaps a new projection in at or past a write acknowledged while it was built: the read-your-writes checkpoint never goes back', async () => {
    await withoutSettings();
    let seen: { written: Position; acknowledged: boolean; afterSwap: boolean } | null = null;
    const hold = read.holdCheckpoint.bind(read);
    read.holdCheckpoint = async (...args) => {
      if (!seen) seen = { ...(await command('op_b')), afterSwap: false }; // after the shadow caught up, before anything is held
      return hold(...args);
    };
    const swap = read.swapShadow.bind(read);
    read.swapShadow = async (args) => {
      await swap(args);
      seen!.afterSwap = await stillAcknowledged(seen!.written);
    };

    await rebuild(['settings'], allProjections);

    expect(seen).toMatchObject({ acknowledged: true, afterSwap: true });
  });

  it('acknowledges no write between its last catch-up and the swap of a new projection that it would then be behind', async () => {
    await withoutSettings();
    let seen: { written: Position; acknowledged: boolean; afterSwap: boolean } | null = null;
    const swap = read.swapShadow.bind(read);
    read.swapShadow = async (args) => {
      const done = await command('op_b');
      await swap(args);
      seen = { ...done, afterSwap: await stillAcknowledged(done.written) };
    };

    await rebuild(['settings'], allProjections);

    expect(seen!.acknowledged && !seen!.afterSwap).toBe(false);
    expect(await stillAcknowledged(seen!.written)).toBe(true);
  });
});
