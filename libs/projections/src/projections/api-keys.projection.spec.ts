import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@onehazel/event-store';
import { SqliteReadStore } from '@onehazel/read-store';
import { StagedChanges } from '../projection';
import { allProjections } from '../index';
import { ApiKeyView, Collections } from './read-models';

/** Given these batches of events, then this read model: each batch staged and committed as the projector does. */
describe('api keys projection: the operator status and plan each key carries', () => {
  let dir: string;
  let store: SqliteReadStore;
  let position = 0;
  let checkpoint: string | null = null;

  const event = (type: string, data: Record<string, unknown>): RecordedEvent => {
    position += 1;
    return { id: `e${position}`, stream: 's', revision: 0n, position: { commit: BigInt(position), prepare: BigInt(position) }, type, data, metadata: {}, recordedAt: '' };
  };
  const batch = async (events: RecordedEvent[]) => {
    const staged = new StagedChanges(store);
    for (const recorded of events) for (const projection of allProjections) await projection.apply(recorded, staged);
    await store.commit('main', checkpoint, String(position), staged.list());
    checkpoint = String(position);
  };
  const key = async () => (await store.get(Collections.apiKeys, 'k1')) as ApiKeyView;

  beforeEach(async () => {
    position = 0;
    checkpoint = null;
    dir = mkdtempSync(join(tmpdir(), 'oh-keys-projection-'));
    store = new SqliteReadStore(join(dir, 'read.db'));
    await store.ensureIndexes(allProjections.flatMap((projection) => [...projection.indexes]));
    await batch([
      event('OperatorCreated', { operatorId: 'op1', platformId: 'p1', name: 'Op', plan: 'starter', contactEmail: 'x', industry: null, createdAt: 't0' }),
      event('ApiKeyIssued', { keyId: 'k1', operatorId: 'op1', keyHash: 'h1', lastFour: '1234', label: 'a', tier: 'verified', issuedBy: 'platform', issuedAt: 't0' }),
    ]);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a suspension on a key renamed later in the same batch (the rename must not put the stale key back)', async () => {
    await batch([event('OperatorSuspended', { operatorId: 'op1', suspendedAt: 't1' }), event('ApiKeyRenamed', { operatorId: 'op1', keyId: 'k1', label: 'b' })]);
    expect(await key()).toMatchObject({ label: 'b', operatorStatus: 'suspended', revoked: false });
  });

  it('keeps a plan change and a reactivation on a key revoked or renamed later in the same batch', async () => {
    await batch([event('OperatorSuspended', { operatorId: 'op1', suspendedAt: 't1' })]);
    await batch([
      event('OperatorReactivated', { operatorId: 'op1', reactivatedAt: 't2' }),
      event('OperatorUpdated', { operatorId: 'op1', changes: { plan: 'enterprise' }, updatedAt: 't2' }),
      event('ApiKeyRenamed', { operatorId: 'op1', keyId: 'k1', label: 'c' }),
    ]);
    expect(await key()).toMatchObject({ label: 'c', operatorStatus: 'active', operatorPlan: 'enterprise' });
    await batch([event('OperatorSuspended', { operatorId: 'op1', suspendedAt: 't3' }), event('ApiKeyRevoked', { operatorId: 'op1', keyId: 'k1', revokedAt: 't3' })]);
    expect(await key()).toMatchObject({ revoked: true, operatorStatus: 'suspended' });
  });

  it('stamps a key issued in the same batch as its operator’s suspension, in either order', async () => {
    await batch([
      event('OperatorSuspended', { operatorId: 'op1', suspendedAt: 't1' }),
      event('ApiKeyIssued', { keyId: 'k2', operatorId: 'op1', keyHash: 'h2', lastFour: '5678', label: null, tier: 'verified', issuedBy: 'operator', issuedAt: 't1' }),
    ]);
    expect(await store.get(Collections.apiKeys, 'k2')).toMatchObject({ operatorStatus: 'suspended' });
    expect(await key()).toMatchObject({ operatorStatus: 'suspended' });
  });
});
