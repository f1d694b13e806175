import { ProjectionSpec } from '../projection.spec-helper';
import { ApiKeyView, Collections } from './read-models';

/** Given these batches of events, then this read model: each batch staged and committed as the projector does. */
describe('api keys projection: the operator status and plan each key carries', () => {
  let spec: ProjectionSpec;
  const key = async (id = 'k1') => (await spec.get<ApiKeyView>(Collections.apiKeys, id))!;
  const issued = (keyId: string, operatorId = 'op1', issuedAt = 't0') =>
    ({
      type: 'ApiKeyIssued',
      data: { keyId, operatorId, keyHash: `h-${keyId}`, lastFour: '1234', label: null, tier: 'verified', issuedBy: 'operator', issuedAt },
    }) as const;

  beforeEach(async () => {
    spec = await ProjectionSpec.start();
    await spec.givenOneBatch(
      { type: 'OperatorCreated', data: { operatorId: 'op1', platformId: 'p1', name: 'Op', plan: 'starter', contactEmail: 'x', industry: null, createdAt: 't0' } },
      { type: 'ApiKeyIssued', data: { keyId: 'k1', operatorId: 'op1', keyHash: 'h1', lastFour: '1234', label: 'a', tier: 'verified', issuedBy: 'platform', issuedAt: 't0' } },
    );
  });

  it('projects an issued key: looked up by its hash, never holding the key itself', async () => {
    expect(await key()).toEqual({
      id: 'k1',
      operatorId: 'op1',
      keyHash: 'h1',
      lastFour: '1234',
      label: 'a',
      tier: 'verified',
      issuedBy: 'platform',
      createdAt: 't0',
      revoked: false,
      revokedAt: null,
      createdPosition: expect.any(String),
      operatorStatus: 'active',
      operatorPlan: 'starter',
    });
    expect((await spec.find<ApiKeyView>(Collections.apiKeys, { where: { keyHash: 'h1' }, limit: 2 })).map((k) => k.id)).toEqual(['k1']);
  });

  it('keeps a suspension on a key renamed later in the same batch (the rename must not put the stale key back)', async () => {
    await spec.givenOneBatch(
      { type: 'OperatorSuspended', data: { operatorId: 'op1', suspendedAt: 't1' } },
      { type: 'ApiKeyRenamed', data: { operatorId: 'op1', keyId: 'k1', label: 'b', renamedAt: 't1' } },
    );
    expect(await key()).toMatchObject({ label: 'b', operatorStatus: 'suspended', revoked: false });
  });

  it('keeps a plan change and a reactivation on a key revoked or renamed later in the same batch', async () => {
    await spec.givenOneBatch({ type: 'OperatorSuspended', data: { operatorId: 'op1', suspendedAt: 't1' } });
    await spec.givenOneBatch(
      { type: 'OperatorReactivated', data: { operatorId: 'op1', reactivatedAt: 't2' } },
      { type: 'OperatorUpdated', data: { operatorId: 'op1', changes: { plan: 'enterprise' }, updatedAt: 't2' } },
      { type: 'ApiKeyRenamed', data: { operatorId: 'op1', keyId: 'k1', label: 'c', renamedAt: 't2' } },
    );
    expect(await key()).toMatchObject({ label: 'c', operatorStatus: 'active', operatorPlan: 'enterprise' });
    await spec.givenOneBatch(
      { type: 'OperatorSuspended', data: { operatorId: 'op1', suspendedAt: 't3' } },
      { type: 'ApiKeyRevoked', data: { operatorId: 'op1', keyId: 'k1', revokedBy: 'operator', revokedAt: 't3' } },
    );
    expect(await key()).toMatchObject({ revoked: true, operatorStatus: 'suspended' });
  });

  it('stamps a key issued in the same batch as its operator’s suspension, in either order', async () => {
    await spec.givenOneBatch(
      { type: 'OperatorSuspended', data: { operatorId: 'op1', suspendedAt: 't1' } },
      { type: 'ApiKeyIssued', data: { keyId: 'k2', operatorId: 'op1', keyHash: 'h2', lastFour: '5678', label: null, tier: 'verified', issuedBy: 'operator', issuedAt: 't1' } },
    );
    expect(await spec.get(Collections.apiKeys, 'k2')).toMatchObject({ operatorStatus: 'suspended' });
    expect(await key()).toMatchObject({ operatorStatus: 'suspended' });
  });

  it('stamps every key of a suspended operator, and only that operator’s, each in its own batch', async () => {
    await spec.given(
      { type: 'OperatorCreated', data: { operatorId: 'op2', platformId: 'p1', name: 'Other', plan: 'professional', contactEmail: 'y', industry: null, createdAt: 't1' } },
      issued('k2'),
      issued('k3', 'op2'),
      { type: 'OperatorSuspended', data: { operatorId: 'op1', suspendedAt: 't2' } },
    );
    expect(await key('k1')).toMatchObject({ operatorStatus: 'suspended' });
    expect(await key('k2')).toMatchObject({ operatorStatus: 'suspended' });
    expect(await key('k3')).toMatchObject({ operatorStatus: 'active', operatorPlan: 'professional' });
    await spec.given({ type: 'OperatorReactivated', data: { operatorId: 'op1', reactivatedAt: 't3' } });
    expect(await key('k2')).toMatchObject({ operatorStatus: 'active' });
  });

  it('lists an operator’s keys in the order they were issued, whatever their ids', async () => {
    await spec.given(issued('k0'), issued('z9', 'op2'), issued('a5'));
    const listed = await spec.find<ApiKeyView>(Collections.apiKeys, { where: { operatorId: 'op1' }, orderBy: 'createdPosition', limit: 10 });
    expect(listed.map((k) => k.id)).toEqual(['k1', 'k0', 'a5']);
  });

  it('marks a revoked key with the time, and removes a deleted key with its last use', async () => {
    await spec.given(issued('k2'));
    await spec.store.recordTime(Collections.apiKeyUsage, 'k2', 'lastUsedAt', '2026-01-02T00:00:00.000Z', 0);
    await spec.given(
      { type: 'ApiKeyRevoked', data: { operatorId: 'op1', keyId: 'k1', revokedBy: 'platform', revokedAt: 't4' } },
      { type: 'ApiKeyDeleted', data: { operatorId: 'op1', keyId: 'k2', deletedAt: 't5' } },
    );
    expect(await key('k1')).toMatchObject({ revoked: true, revokedAt: 't4', label: 'a' });
    expect(await spec.get(Collections.apiKeys, 'k2')).toBeNull();
    expect(await spec.get(Collections.apiKeyUsage, 'k2')).toBeNull();
  });
});
