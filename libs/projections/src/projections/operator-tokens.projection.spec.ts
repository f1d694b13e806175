import type { ChildKeyMinted, ChildKeyRevoked, OperatorTokenMinted } from '@onehazel/domain';
import { ProjectionSpec } from '../projection.spec-helper';
import { ApiKeyView, Collections, OperatorTokenView } from './read-models';

const at = (n: number) => `2026-05-0${n}T00:00:00.000Z`;
const operatorCreated = (operatorId: string) =>
  ({
    type: 'OperatorCreated',
    data: { operatorId, platformId: 'plt_1', name: 'Op', plan: 'professional', contactEmail: 'oh1.sealed', industry: null, createdAt: at(1) },
  }) as const;
const minted = (tokenId: string, operatorId = 'op_1'): OperatorTokenMinted => ({
  type: 'OperatorTokenMinted',
  data: { operatorId, tokenId, tokenHash: `hash-${tokenId}`, lastFour: 'abcd', label: `label ${tokenId}`, monthlyQuotaSubmissions: 40, childQuotaPct: 50, mintedAt: at(2) },
});
const childMinted = (tokenId: string, keyId: string): ChildKeyMinted => ({
  type: 'ChildKeyMinted',
  data: { operatorId: 'op_1', tokenId, keyId, agentId: `agent-${keyId}`, keyHash: `hash-${keyId}`, lastFour: 'wxyz', displayName: `daemon ${keyId}`, tier: 'operator_child', mintedAt: at(3) },
});
const childRevoked = (tokenId: string, keyId: string, cascadeOf: string | null = null): ChildKeyRevoked => ({
  type: 'ChildKeyRevoked',
  data: { operatorId: 'op_1', tokenId, keyId, cascadeOf, revokedAt: at(4) },
});

/** Given these events, then these read models: an operator's tokens, and the child keys they minted as API keys. */
describe('operator tokens projection', () => {
  let spec: ProjectionSpec;
  const token = (id: string) => spec.get<OperatorTokenView>(Collections.operatorTokens, id);
  const byHash = (tokenHash: string) => spec.find<OperatorTokenView>(Collections.operatorTokens, { where: { tokenHash }, limit: 2 });
  const active = (operatorId = 'op_1') =>
    spec.find<OperatorTokenView>(Collections.operatorTokens, { where: { operatorId, revoked: false }, orderBy: 'createdPosition', limit: 100 });
  const key = (id: string) => spec.get<ApiKeyView>(Collections.apiKeys, id);

  beforeEach(async () => {
    spec = await ProjectionSpec.start();
    await spec.given(operatorCreated('op_1'), operatorCreated('op_2'));
  });

  it('projects a minted token, found by its hash and listed among the operator’s active ones in the order they were minted', async () => {
    await spec.given(minted('tok_b'), minted('tok_x', 'op_2'), minted('tok_a'));
    expect(await token('tok_b')).toEqual({
      id: 'tok_b',
      operatorId: 'op_1',
      tokenHash: 'hash-tok_b',
      lastFour: 'abcd',
      label: 'label tok_b',
      monthlyQuotaSubmissions: 40,
      childQuotaPct: 50,
      createdAt: at(2),
      revoked: false,
      revokedAt: null,
      childrenCount: 0,
      createdPosition: expect.any(String),
    });
    expect((await byHash('hash-tok_a')).map((t) => t.id)).toEqual(['tok_a']);
    expect((await active()).map((t) => t.id)).toEqual(['tok_b', 'tok_a']);
  });

  it('counts a token’s live child keys, and leaves a revoked token out of the active list', async () => {
    await spec.given(minted('tok_1'), childMinted('tok_1', 'key_1'), childMinted('tok_1', 'key_2'), childRevoked('tok_1', 'key_1'));
    expect(await token('tok_1')).toMatchObject({ childrenCount: 1 });
    await spec.given({ type: 'OperatorTokenRevoked', data: { operatorId: 'op_1', tokenId: 'tok_1', cascade: false, revokedAt: at(5) } });
    expect(await token('tok_1')).toMatchObject({ revoked: true, revokedAt: at(5), childrenCount: 1 });
    expect(await active()).toEqual([]);
  });

  it('makes each child key an API key of tier operator_child, under its agent, with its operator’s status', async () => {
    await spec.given(minted('tok_1'), childMinted('tok_1', 'key_1'));
    expect(await key('key_1')).toEqual({
      id: 'key_1',
      operatorId: 'op_1',
      keyHash: 'hash-key_1',
      lastFour: 'wxyz',
      label: 'daemon key_1',
      tier: 'operator_child',
      issuedBy: 'operator-token',
      tokenId: 'tok_1',
      agentId: 'agent-key_1',
      createdAt: at(3),
      revoked: false,
      revokedAt: null,
      createdPosition: expect.any(String),
      operatorStatus: 'active',
      operatorPlan: 'professional',
    });
    // Suspending the operator reaches its child keys as it reaches its other keys.
    await spec.given({ type: 'OperatorSuspended', data: { operatorId: 'op_1', suspendedAt: at(6) } });
    expect(await key('key_1')).toMatchObject({ operatorStatus: 'suspended' });
  });

  it('revokes every child key of a cascade, in the same batch as the token', async () => {
    await spec.given(minted('tok_1'), childMinted('tok_1', 'key_1'), childMinted('tok_1', 'key_2'));
    await spec.givenOneBatch(
      { type: 'OperatorTokenRevoked', data: { operatorId: 'op_1', tokenId: 'tok_1', cascade: true, revokedAt: at(7) } },
      childRevoked('tok_1', 'key_1', 'tok_1'),
      childRevoked('tok_1', 'key_2', 'tok_1'),
    );
    expect([await key('key_1'), await key('key_2')].map((k) => [k?.revoked, k?.revokedAt])).toEqual([
      [true, at(4)],
      [true, at(4)],
    ]);
    expect(await token('tok_1')).toMatchObject({ revoked: true, childrenCount: 0 });
  });

  it('renames a child key, and deletes it (and its uses) for good, leaving its token’s count alone', async () => {
    await spec.given(minted('tok_1'), childMinted('tok_1', 'key_1'), childRevoked('tok_1', 'key_1'));
    await spec.given({ type: 'ChildKeyRenamed', data: { operatorId: 'op_1', tokenId: 'tok_1', keyId: 'key_1', label: 'edge-9', renamedAt: at(8) } });
    expect(await key('key_1')).toMatchObject({ label: 'edge-9', revoked: true });

    await spec.given({ type: 'ChildKeyDeleted', data: { operatorId: 'op_1', tokenId: 'tok_1', keyId: 'key_1', deletedAt: at(9) } });

    expect(await key('key_1')).toBeNull();
    expect(await token('tok_1')).toMatchObject({ childrenCount: 0 });
  });
});
