import { ProjectionSpec } from '../projection.spec-helper';
import { ApiKeyView, Collections, OperatorView } from './read-models';

const created = (operatorId: string, platformId = 'plat_1') =>
  ({
    type: 'OperatorCreated',
    data: { operatorId, platformId, name: `Name of ${operatorId}`, plan: 'starter', contactEmail: 'oh1.sealed-contact', industry: null, createdAt: `created-${operatorId}` },
  }) as const;
const suspended = (operatorId: string, at = `suspended-${operatorId}`) => ({ type: 'OperatorSuspended', data: { operatorId, suspendedAt: at } }) as const;
const reactivated = (operatorId: string, at = `reactivated-${operatorId}`) => ({ type: 'OperatorReactivated', data: { operatorId, reactivatedAt: at } }) as const;
const keyIssued = (keyId: string, operatorId: string) =>
  ({
    type: 'ApiKeyIssued',
    data: { keyId, operatorId, keyHash: `hash-${keyId}`, lastFour: '0000', label: null, tier: 'verified', issuedBy: 'platform', issuedAt: 't' },
  }) as const;

/** Given these events, then this read model: operators as their platform lists and reads them. */
describe('operators projection', () => {
  let spec: ProjectionSpec;
  const operator = async (id: string) => (await spec.get<OperatorView>(Collections.operators, id))!;
  /** What GET /platform-api/operators lists: the platform's operators in creation order, maybe of one status. */
  const listed = async (platformId: string, status?: string) =>
    (
      await spec.find<OperatorView>(Collections.operators, {
        where: status ? { platformId, status } : { platformId },
        orderBy: 'createdPosition',
        limit: 100,
      })
    ).map((o) => o.id);

  beforeEach(async () => {
    spec = await ProjectionSpec.start();
  });

  it('projects a created operator, active, with its profile', async () => {
    await spec.given(created('op_1'));
    expect(await operator('op_1')).toEqual({
      id: 'op_1',
      platformId: 'plat_1',
      name: 'Name of op_1',
      plan: 'starter',
      contactEmail: 'oh1.sealed-contact',
      industry: null,
      status: 'active',
      createdAt: 'created-op_1',
      updatedAt: 'created-op_1',
      suspendedAt: null,
      createdPosition: expect.any(String),
    });
  });

  it('applies only the fields an update changes', async () => {
    await spec.given(created('op_1'), { type: 'OperatorUpdated', data: { operatorId: 'op_1', changes: { plan: 'enterprise', industry: 'casino' }, updatedAt: 't2' } });
    expect(await operator('op_1')).toMatchObject({ name: 'Name of op_1', plan: 'enterprise', industry: 'casino', updatedAt: 't2', createdAt: 'created-op_1' });
  });

  it('suspends and reactivates an operator, and its keys carry its status each time', async () => {
    await spec.given(created('op_1'), created('op_2'), keyIssued('k1', 'op_1'), keyIssued('k2', 'op_2'), suspended('op_1', 't3'));
    expect(await operator('op_1')).toMatchObject({ status: 'suspended', suspendedAt: 't3', updatedAt: 't3' });
    expect(await spec.get<ApiKeyView>(Collections.apiKeys, 'k1')).toMatchObject({ operatorStatus: 'suspended' });
    expect(await spec.get<ApiKeyView>(Collections.apiKeys, 'k2')).toMatchObject({ operatorStatus: 'active' });

    await spec.given(reactivated('op_1', 't4'));
    expect(await operator('op_1')).toMatchObject({ status: 'active', suspendedAt: null, updatedAt: 't4' });
    expect(await spec.get<ApiKeyView>(Collections.apiKeys, 'k1')).toMatchObject({ operatorStatus: 'active' });
  });

  it('lists a platform’s operators in creation order, whatever their ids, by status or not, and no other platform’s', async () => {
    await spec.given(created('op_z'), created('op_a'), created('op_other', 'plat_2'), created('op_m'), suspended('op_a'));
    expect(await listed('plat_1')).toEqual(['op_z', 'op_a', 'op_m']);
    expect(await listed('plat_1', 'active')).toEqual(['op_z', 'op_m']);
    expect(await listed('plat_1', 'suspended')).toEqual(['op_a']);
    expect(await listed('plat_2')).toEqual(['op_other']);
    await spec.given(reactivated('op_a'));
    expect(await listed('plat_1', 'active')).toEqual(['op_z', 'op_a', 'op_m']);
    // Later operators list after them, in log order past position 9 too (positions sort as numbers, not text).
    const later = ['op_9', 'op_8', 'op_7', 'op_6', 'op_5', 'op_4'];
    await spec.given(...later.map((id) => created(id)));
    expect(await listed('plat_1')).toEqual(['op_z', 'op_a', 'op_m', ...later]);
  });

  it('ignores changes to an operator it never saw created', async () => {
    await spec.given(suspended('op_ghost'), { type: 'OperatorUpdated', data: { operatorId: 'op_ghost', changes: { name: 'x' }, updatedAt: 't' } });
    expect(await spec.get(Collections.operators, 'op_ghost')).toBeNull();
  });
});
