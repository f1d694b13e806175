import { commandScopedUuid } from '@onehazel/crypto';
import type { Actor } from '@onehazel/domain';
import { commandIdsWithDescendingIds, contextOf, HandlerRuntime, keyActor, openHandlerRuntime, operatorWithKey } from '../../../testing/handler.spec-helper';
import { MintChildKeyCommand } from '../../commands/mint-child-key/mint-child-key.command';
import { MintChildKeyHandler } from '../../commands/mint-child-key/mint-child-key.handler';
import { MintedOperatorToken, MintOperatorTokenCommand } from '../../commands/mint-operator-token/mint-operator-token.command';
import { MintOperatorTokenHandler } from '../../commands/mint-operator-token/mint-operator-token.handler';
import { RevokeOperatorTokenCommand } from '../../commands/revoke-operator-token/revoke-operator-token.command';
import { RevokeOperatorTokenHandler } from '../../commands/revoke-operator-token/revoke-operator-token.handler';
import { SubmissionQuota } from '../../submission-quota';
import { ListOperatorTokensHandler } from './list-operator-tokens.handler';
import { ListOperatorTokensQuery } from './list-operator-tokens.query';

const tokenActor = (tokenId: string): Actor => ({ kind: 'operator-token', id: tokenId });
const NOW = Date.parse('2026-04-15T12:00:00.000Z');

describe('ListOperatorTokensHandler', () => {
  let rt: HandlerRuntime;
  let quota: SubmissionQuota;
  let handler: ListOperatorTokensHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;
  /** The operator's tokens in minting order (their ids sort the other way round). */
  let tokens: MintedOperatorToken[];

  const mintToken = (owner: { operatorId: string; keyId: string }, label: string, commandId?: string) =>
    new MintOperatorTokenHandler(rt.commands, rt.config).execute(
      new MintOperatorTokenCommand(owner.operatorId, label, 100, 50, contextOf(keyActor(owner.keyId), undefined, { commandId, at: '2026-04-06T10:30:00.000Z' })),
    );
  const mintChild = async (tokenId: string) =>
    (await new MintChildKeyHandler(rt.commands, quota, rt.config).execute(new MintChildKeyCommand(operator.operatorId, tokenId, null, contextOf(tokenActor(tokenId))))).keyId;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    quota = new SubmissionQuota(rt.stores.requests, rt.stores.read, () => NOW);
    handler = new ListOperatorTokensHandler(rt.stores.read, quota);
    operator = await operatorWithKey(rt);
    const other = await operatorWithKey(rt);
    tokens = [];
    for (const [index, commandId] of commandIdsWithDescendingIds(4, (id) => commandScopedUuid(id, 'operator-token')).entries()) {
      tokens.push(await mintToken(operator, `fleet ${index}`, commandId));
      // Another operator's tokens, minted in between: never listed.
      await mintToken(other, `foreign ${index}`);
    }
  });
  afterEach(() => rt.close());

  const list = () => handler.execute(new ListOperatorTokensQuery(operator.operatorId));

  it("lists the operator's live tokens oldest first, never a revoked one nor another operator's", async () => {
    await new RevokeOperatorTokenHandler(rt.commands).execute(new RevokeOperatorTokenCommand(operator.operatorId, tokens[1]!.id, false, contextOf(keyActor(operator.keyId))));

    const listed = await list();

    expect(listed.map((token) => token.id)).toEqual([tokens[0]!.id, tokens[2]!.id, tokens[3]!.id]);
  });

  it('shows each token as minted, with its live children and its submissions this month, never its hash', async () => {
    const children = [await mintChild(tokens[0]!.id), await mintChild(tokens[0]!.id), await mintChild(tokens[2]!.id)];
    await quota.count({ keyId: children[0]!, tokenId: tokens[0]!.id }, 'submission-1', NOW);
    await quota.count({ keyId: children[1]!, tokenId: tokens[0]!.id }, 'submission-2', NOW);
    // Last month's submissions are not this month's.
    await quota.count({ keyId: children[2]!, tokenId: tokens[2]!.id }, 'submission-march', Date.parse('2026-03-31T23:59:59.999Z'));

    const listed = await list();

    expect(listed[0]).toEqual({
      id: tokens[0]!.id,
      operatorId: operator.operatorId,
      lastFour: tokens[0]!.token.slice(-4),
      label: 'fleet 0',
      monthlyQuotaSubmissions: 100,
      childQuotaPct: 50,
      createdAt: '2026-04-06T10:30:00.000Z',
      revoked: false,
      revokedAt: null,
      childrenCount: 2,
      createdPosition: expect.any(String),
      usageThisMonth: 2,
    });
    expect(listed.map((token) => [token.childrenCount, token.usageThisMonth])).toEqual([
      [2, 2],
      [0, 0],
      [1, 0],
      [0, 0],
    ]);
    expect(listed.every((token) => !('tokenHash' in token))).toBe(true);
  });
});
