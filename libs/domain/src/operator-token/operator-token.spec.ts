import fc from 'fast-check';
import { given } from '../shared/given-when-then.spec-helper';
import {
  ChildKeyMinted,
  ChildKeyRevoked,
  childShare,
  MintChildKey,
  MintOperatorToken,
  OperatorTokenCommand,
  OperatorTokenMinted,
  operatorTokensDecider,
  OperatorTokenRevoked,
} from './operator-token';

const at = '2026-05-01T00:00:00.000Z';
const mint = (tokenId: string, overrides: Partial<MintOperatorToken> = {}): MintOperatorToken => ({
  type: 'MintOperatorToken',
  operatorId: 'op_1',
  tokenId,
  tokenHash: `hash-${tokenId}`,
  lastFour: 'abcd',
  label: null,
  monthlyQuotaSubmissions: 1000,
  childQuotaPct: 100,
  maxTokens: 2,
  at,
  ...overrides,
});
const minted = (tokenId: string): OperatorTokenMinted => ({
  type: 'OperatorTokenMinted',
  data: { operatorId: 'op_1', tokenId, tokenHash: `hash-${tokenId}`, lastFour: 'abcd', label: null, monthlyQuotaSubmissions: 1000, childQuotaPct: 100, mintedAt: at },
});
const revoked = (tokenId: string, cascade = false): OperatorTokenRevoked => ({ type: 'OperatorTokenRevoked', data: { operatorId: 'op_1', tokenId, cascade, revokedAt: at } });
const mintChild = (tokenId: string, keyId: string, overrides: Partial<MintChildKey> = {}): MintChildKey => ({
  type: 'MintChildKey',
  operatorId: 'op_1',
  tokenId,
  keyId,
  agentId: `agent-${keyId}`,
  keyHash: `hash-${keyId}`,
  lastFour: 'wxyz',
  displayName: null,
  maxChildren: 2,
  at,
  ...overrides,
});
const childMinted = (tokenId: string, keyId: string): ChildKeyMinted => ({
  type: 'ChildKeyMinted',
  data: { operatorId: 'op_1', tokenId, keyId, agentId: `agent-${keyId}`, keyHash: `hash-${keyId}`, lastFour: 'wxyz', displayName: null, tier: 'operator_child', mintedAt: at },
});
const childRevoked = (tokenId: string, keyId: string, cascadeOf: string | null = null): ChildKeyRevoked => ({
  type: 'ChildKeyRevoked',
  data: { operatorId: 'op_1', tokenId, keyId, cascadeOf, revokedAt: at },
});

describe('operator tokens decider', () => {
  it('mints a token, recording only its hash', () => {
    given(operatorTokensDecider, []).when(mint('tok_1')).then([minted('tok_1')]);
  });

  it('refuses a token past the cap of live tokens, and counts revoked ones out of it', () => {
    given(operatorTokensDecider, [minted('tok_1'), minted('tok_2')]).when(mint('tok_3')).thenFails('MAX_OPERATOR_TOKENS');
    given(operatorTokensDecider, [minted('tok_1'), minted('tok_2'), revoked('tok_1')]).when(mint('tok_3')).then([minted('tok_3')]);
  });

  it.each([
    ['monthly_quota_submissions', { monthlyQuotaSubmissions: 0 }],
    ['monthly_quota_submissions', { monthlyQuotaSubmissions: 100_001 }],
    ['monthly_quota_submissions', { monthlyQuotaSubmissions: 1.5 }],
    ['child_quota_pct', { childQuotaPct: 0 }],
    ['child_quota_pct', { childQuotaPct: 101 }],
  ])('refuses %s out of bounds (%p), naming the field', (field, overrides) => {
    expect(() => operatorTokensDecider.decide(mint('tok_1', overrides), operatorTokensDecider.initialState())).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field })] }),
    );
  });

  it('mints child keys of a live token up to its cap of live children', () => {
    given(operatorTokensDecider, [minted('tok_1')]).when(mintChild('tok_1', 'key_1')).then([childMinted('tok_1', 'key_1')]);
    const full = [minted('tok_1'), childMinted('tok_1', 'key_1'), childMinted('tok_1', 'key_2')];
    given(operatorTokensDecider, full).when(mintChild('tok_1', 'key_3')).thenFails('MAX_CHILD_KEYS');
    given(operatorTokensDecider, [...full, childRevoked('tok_1', 'key_1')]).when(mintChild('tok_1', 'key_3')).then([childMinted('tok_1', 'key_3')]);
  });

  it('counts children per token: another token of the operator has its own cap', () => {
    const full = [minted('tok_1'), minted('tok_2'), childMinted('tok_1', 'key_1'), childMinted('tok_1', 'key_2')];
    given(operatorTokensDecider, full).when(mintChild('tok_2', 'key_3')).then([childMinted('tok_2', 'key_3')]);
  });

  it('refuses to mint from a revoked or an unknown token', () => {
    given(operatorTokensDecider, [minted('tok_1'), revoked('tok_1')]).when(mintChild('tok_1', 'key_1')).thenFails('OPERATOR_TOKEN_REVOKED');
    given(operatorTokensDecider, [minted('tok_1')]).when(mintChild('tok_2', 'key_1')).thenFails('UNKNOWN_OPERATOR_TOKEN');
  });

  it('revokes a token and leaves its children live, unless it cascades, which revokes every live child in the same decision', () => {
    const history = [minted('tok_1'), childMinted('tok_1', 'key_1'), childMinted('tok_1', 'key_2'), childRevoked('tok_1', 'key_2'), minted('tok_2'), childMinted('tok_2', 'key_3')];
    const revoke = (cascade: boolean) => ({ type: 'RevokeOperatorToken', operatorId: 'op_1', tokenId: 'tok_1', cascade, at }) as const;
    given(operatorTokensDecider, history).when(revoke(false)).then([revoked('tok_1')]);
    given(operatorTokensDecider, history).when(revoke(true)).then([revoked('tok_1', true), childRevoked('tok_1', 'key_1', 'tok_1')]);
  });

  it('revokes nothing more for a revoked token, but a later cascade still reaches its live children', () => {
    const history = [minted('tok_1'), childMinted('tok_1', 'key_1'), revoked('tok_1')];
    const revoke = (cascade: boolean) => ({ type: 'RevokeOperatorToken', operatorId: 'op_1', tokenId: 'tok_1', cascade, at }) as const;
    given(operatorTokensDecider, history).when(revoke(false)).then([]);
    given(operatorTokensDecider, history).when(revoke(true)).then([childRevoked('tok_1', 'key_1', 'tok_1')]);
    given(operatorTokensDecider, [...history, childRevoked('tok_1', 'key_1', 'tok_1')]).when(revoke(true)).then([]);
  });

  it('answers UNKNOWN_OPERATOR_TOKEN for a token the operator does not have', () => {
    given(operatorTokensDecider, []).when({ type: 'RevokeOperatorToken', operatorId: 'op_1', tokenId: 'tok_x', cascade: true, at }).thenFails('UNKNOWN_OPERATOR_TOKEN');
  });

  it('revokes one child key by id (idempotently), and answers API_KEY_NOT_FOUND for a key that is no child', () => {
    const history = [minted('tok_1'), childMinted('tok_1', 'key_1')];
    given(operatorTokensDecider, history).when({ type: 'RevokeChildKey', operatorId: 'op_1', keyId: 'key_1', at }).then([childRevoked('tok_1', 'key_1')]);
    given(operatorTokensDecider, [...history, childRevoked('tok_1', 'key_1')]).when({ type: 'RevokeChildKey', operatorId: 'op_1', keyId: 'key_1', at }).then([]);
    given(operatorTokensDecider, history).when({ type: 'RevokeChildKey', operatorId: 'op_1', keyId: 'key_x', at }).thenFails('API_KEY_NOT_FOUND');
  });

  it('gives each child floor(quota × pct / 100) of the monthly pool, and at least 1', () => {
    expect(childShare(1000, 100)).toBe(1000);
    expect(childShare(1000, 33)).toBe(330);
    expect(childShare(40, 5)).toBe(2);
    expect(childShare(3, 10)).toBe(1);
    expect(childShare(1, 1)).toBe(1);
  });
});

describe('operator tokens: the fold of a stream', () => {
  type Step = { kind: 'mint' | 'revoke' | 'cascade' | 'child' | 'revokeChild' | 'rename' | 'delete'; token: number; child: number };
  const step = fc.record({
    kind: fc.constantFrom<Step['kind']>('mint', 'revoke', 'cascade', 'child', 'child', 'revokeChild', 'rename', 'delete'),
    token: fc.integer({ min: 0, max: 3 }),
    child: fc.integer({ min: 0, max: 11 }),
  });

  const childCommand = (kind: 'revokeChild' | 'rename' | 'delete', keyId: string): OperatorTokenCommand =>
    kind === 'revokeChild'
      ? { type: 'RevokeChildKey', operatorId: 'op_1', keyId, at }
      : kind === 'rename'
        ? { type: 'RenameChildKey', operatorId: 'op_1', keyId, label: 'renamed', at }
        : { type: 'DeleteChildKey', operatorId: 'op_1', keyId, at };

  /** Events as the decider makes them from a random run of commands (refused commands add none). */
  function eventsOf(steps: Step[]) {
    const { decide, evolve, initialState } = operatorTokensDecider;
    let state = initialState();
    const events = [];
    for (const [i, { kind, token, child }] of steps.entries()) {
      const tokenId = `t${token}`;
      const keyId = `k${token}-${child}`;
      const command =
        kind === 'mint'
          ? mint(tokenId, { maxTokens: 3 })
          : kind === 'child'
            ? mintChild(tokenId, `${keyId}-${i}`, { maxChildren: 3 })
            : kind === 'revokeChild' || kind === 'rename' || kind === 'delete'
              ? childCommand(kind, [...state.children.keys()][child % Math.max(1, state.children.size)] ?? keyId)
              : { type: 'RevokeOperatorToken' as const, operatorId: 'op_1', tokenId, cascade: kind === 'cascade', at };
      try {
        const decided = decide(command, state);
        state = decided.reduce(evolve, state);
        events.push(...decided);
      } catch {
        // A refused command (a cap, an unknown token) records nothing.
      }
    }
    return { events, reduced: state };
  }

  it('equals the reduce of the same events with evolve, whatever the commands were', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const { events, reduced } = eventsOf(steps);
        expect(operatorTokensDecider.fold!(events)).toEqual(reduced);
      }),
      { numRuns: 300 },
    );
  });

  it('goes on from a snapshot: the fold of the events after it, from its decoded state, is the fold of the whole stream', () => {
    const { encode, decode } = operatorTokensDecider.snapshot!;
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.nat(), (steps, cut) => {
        const { events, reduced } = eventsOf(steps);
        const at = events.length === 0 ? 0 : cut % (events.length + 1);
        const snapshot = decode(JSON.parse(JSON.stringify(encode(operatorTokensDecider.fold!(events.slice(0, at))))));
        expect(snapshot).not.toBeNull();
        expect(operatorTokensDecider.fold!(events.slice(at), snapshot!)).toEqual(reduced);
      }),
      { numRuns: 300 },
    );
  });

  it.each([null, 7, 'x', {}, { v: 2, tokens: [], children: [] }, { v: 1, tokens: [['t1', 'yes', null, 1, 1, []]], children: [] }, { v: 1, tokens: [], children: [['k1']] }])(
    'decodes nothing it did not encode (%j): the stream is then read whole',
    (encoded) => {
      expect(operatorTokensDecider.snapshot!.decode(encoded)).toBeNull();
    },
  );

  it('leaves the state it goes on from untouched', () => {
    const from = operatorTokensDecider.fold!([minted('t1'), childMinted('t1', 'k1')]);
    const snapshot = structuredClone(from);

    operatorTokensDecider.fold!([childRevoked('t1', 'k1'), childMinted('t1', 'k2'), revoked('t1')], from);

    expect(from).toEqual(snapshot);
  });

  it('leaves the state evolve is given untouched, after a fold built it in place', () => {
    const folded = operatorTokensDecider.fold!([minted('t1'), childMinted('t1', 'k1')]);
    const snapshot = structuredClone(folded);

    operatorTokensDecider.evolve(folded, childRevoked('t1', 'k1'));
    operatorTokensDecider.evolve(folded, childMinted('t1', 'k2'));
    operatorTokensDecider.evolve(folded, revoked('t1'));

    expect(folded).toEqual(snapshot);
  });
});

describe('operator tokens: child keys renamed and deleted through the key routes', () => {
  const rename = (keyId: string) => ({ type: 'RenameChildKey' as const, operatorId: 'op_1', keyId, label: 'edge-2', at });
  const remove = (keyId: string) => ({ type: 'DeleteChildKey' as const, operatorId: 'op_1', keyId, at });
  const deleted = (tokenId: string, keyId: string) => ({ type: 'ChildKeyDeleted' as const, data: { operatorId: 'op_1', tokenId, keyId, deletedAt: at } });

  it('renames a child key, naming its token', () => {
    given(operatorTokensDecider, [minted('t1'), childMinted('t1', 'k1')])
      .when(rename('k1'))
      .then([{ type: 'ChildKeyRenamed', data: { operatorId: 'op_1', tokenId: 't1', keyId: 'k1', label: 'edge-2', renamedAt: at } }]);
  });

  it('refuses to delete a live child key: KEY_NOT_REVOKED', () => {
    given(operatorTokensDecider, [minted('t1'), childMinted('t1', 'k1')]).when(remove('k1')).thenFails('KEY_NOT_REVOKED');
  });

  it('deletes a revoked child key', () => {
    given(operatorTokensDecider, [minted('t1'), childMinted('t1', 'k1'), childRevoked('t1', 'k1')]).when(remove('k1')).then([deleted('t1', 'k1')]);
  });

  it.each([
    ['rename', rename('k1')],
    ['delete', remove('k1')],
    ['revoke', { type: 'RevokeChildKey' as const, operatorId: 'op_1', keyId: 'k1', at }],
  ])('knows a deleted child key no more (%s: API_KEY_NOT_FOUND)', (_what, command) => {
    given(operatorTokensDecider, [minted('t1'), childMinted('t1', 'k1'), childRevoked('t1', 'k1'), deleted('t1', 'k1')]).when(command).thenFails('API_KEY_NOT_FOUND');
  });

  it('refuses a key that is no child key: API_KEY_NOT_FOUND', () => {
    given(operatorTokensDecider, [minted('t1')]).when(rename('k9')).thenFails('API_KEY_NOT_FOUND');
  });
});
