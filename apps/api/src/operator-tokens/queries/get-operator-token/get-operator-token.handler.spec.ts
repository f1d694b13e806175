import { commandScopedUuid } from '@onehazel/crypto';
import type { Actor } from '@onehazel/domain';
import { Collections } from '@onehazel/projections';
import {
  commandIdsWithDescendingIds,
  contextOf,
  HandlerRuntime,
  keyActor,
  openHandlerRuntime,
  operatorWithKey,
  pagesOf,
} from '../../../testing/handler.spec-helper';
import { RevokeKeyCommand } from '../../../keys/commands/revoke-key/revoke-key.command';
import { RevokeKeyHandler } from '../../../keys/commands/revoke-key/revoke-key.handler';
import { MintChildKeyCommand, MintedChildKey } from '../../commands/mint-child-key/mint-child-key.command';
import { MintChildKeyHandler } from '../../commands/mint-child-key/mint-child-key.handler';
import { MintOperatorTokenCommand } from '../../commands/mint-operator-token/mint-operator-token.command';
import { MintOperatorTokenHandler } from '../../commands/mint-operator-token/mint-operator-token.handler';
import { RevokeOperatorTokenCommand } from '../../commands/revoke-operator-token/revoke-operator-token.command';
import { RevokeOperatorTokenHandler } from '../../commands/revoke-operator-token/revoke-operator-token.handler';
import { SubmissionQuota } from '../../submission-quota';
import { GetOperatorTokenHandler } from './get-operator-token.handler';
import { ChildUsage, GetOperatorTokenQuery } from './get-operator-token.query';

const tokenActor = (tokenId: string): Actor => ({ kind: 'operator-token', id: tokenId });
const NOW = Date.parse('2026-04-15T12:00:00.000Z');

describe('GetOperatorTokenHandler', () => {
  let rt: HandlerRuntime;
  let quota: SubmissionQuota;
  let handler: GetOperatorTokenHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;
  let tokenId: string;
  /** The token's children in minting order (their ids sort the other way round); the second one revoked. */
  let children: MintedChildKey[];

  const mintToken = async (owner: { operatorId: string; keyId: string }, monthlyQuota: number, pct: number) =>
    (await new MintOperatorTokenHandler(rt.commands, rt.config).execute(new MintOperatorTokenCommand(owner.operatorId, 'fleet', monthlyQuota, pct, contextOf(keyActor(owner.keyId))))).id;
  const mintChild = (token: string, options: { displayName?: string; commandId?: string } = {}) =>
    new MintChildKeyHandler(rt.commands, quota, rt.config).execute(
      new MintChildKeyCommand(operator.operatorId, token, options.displayName ?? null, contextOf(tokenActor(token), undefined, { commandId: options.commandId })),
    );

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    quota = new SubmissionQuota(rt.stores.requests, rt.stores.read, () => NOW);
    handler = new GetOperatorTokenHandler(rt.stores.read, quota);
    operator = await operatorWithKey(rt);
    tokenId = await mintToken(operator, 1000, 33);
    const otherToken = await mintToken(operator, 1000, 100);
    children = [];
    for (const [index, commandId] of commandIdsWithDescendingIds(3, (id) => commandScopedUuid(id, 'child-key')).entries()) {
      children.push(await mintChild(tokenId, { displayName: `daemon ${index}`, commandId }));
      // Another token's children, minted in between: never among this token's.
      await mintChild(otherToken);
    }
    await new RevokeKeyHandler(rt.commands, rt.stores.read).execute(
      new RevokeKeyCommand(operator.operatorId, children[1]!.keyId, 'operator', contextOf(keyActor(operator.keyId), undefined, { at: '2026-04-10T08:00:00.000Z' })),
    );
  });
  afterEach(() => rt.close());

  const get = (id = tokenId, limit = 10, cursor?: string, operatorId = operator.operatorId) => handler.execute(new GetOperatorTokenQuery(operatorId, id, limit, cursor));

  it("shows the token, each child's share of the pool, when the month's counts reset, and its submissions this month", async () => {
    await quota.count({ keyId: children[0]!.keyId, tokenId }, 'submission-1', NOW);
    await quota.count({ keyId: children[0]!.keyId, tokenId }, 'submission-2', NOW);
    await quota.count({ keyId: children[2]!.keyId, tokenId }, 'submission-3', NOW);
    await quota.count({ keyId: children[2]!.keyId, tokenId }, 'submission-march', Date.parse('2026-03-20T00:00:00.000Z'));

    const detail = await get();

    expect(detail.token).toMatchObject({ id: tokenId, operatorId: operator.operatorId, label: 'fleet', monthlyQuotaSubmissions: 1000, childQuotaPct: 33, childrenCount: 2, usageThisMonth: 3 });
    expect(detail.token).not.toHaveProperty('tokenHash');
    expect(detail.childShare).toBe(330);
    expect(detail.resetsAt).toBe('2026-05-01T00:00:00.000Z');
    expect(detail.children.items.map((child) => [child.keyId, child.submissions])).toEqual([
      [children[0]!.keyId, 2],
      [children[1]!.keyId, 0],
      [children[2]!.keyId, 1],
    ]);
  });

  it('lists its children oldest first, a page at a time, revoked ones marked, with when each was last used', async () => {
    await rt.stores.read.recordTime(Collections.apiKeyUsage, children[2]!.keyId, 'lastUsedAt', '2026-04-12T09:15:00.000Z', 0);

    const pages = await pagesOf((cursor) => get(tokenId, 2, cursor).then((detail) => detail.children));

    expect(pages.map((page) => page.length)).toEqual([2, 1]);
    expect(pages.flat()).toEqual<ChildUsage[]>(
      children.map((child, index) => ({
        keyId: child.keyId,
        agentId: child.agentId,
        displayName: `daemon ${index}`,
        submissions: 0,
        lastUsedAt: index === 2 ? '2026-04-12T09:15:00.000Z' : null,
        revokedAt: index === 1 ? '2026-04-10T08:00:00.000Z' : null,
      })),
    );
  });

  it('shows a revoked token too', async () => {
    await new RevokeOperatorTokenHandler(rt.commands).execute(
      new RevokeOperatorTokenCommand(operator.operatorId, tokenId, true, contextOf(keyActor(operator.keyId), undefined, { at: '2026-04-11T00:00:00.000Z' })),
    );

    const detail = await get();

    expect(detail.token).toMatchObject({ revoked: true, revokedAt: '2026-04-11T00:00:00.000Z', childrenCount: 0 });
    expect(detail.children.items.map((child) => child.revokedAt)).toEqual(['2026-04-11T00:00:00.000Z', '2026-04-10T08:00:00.000Z', '2026-04-11T00:00:00.000Z']);
  });

  it("answers UNKNOWN_OPERATOR_TOKEN for a token that does not exist, and for another operator's", async () => {
    const other = await operatorWithKey(rt);
    const foreign = await mintToken(other, 1000, 100);

    await expect(get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'UNKNOWN_OPERATOR_TOKEN' });
    await expect(get(foreign)).rejects.toMatchObject({ code: 'UNKNOWN_OPERATOR_TOKEN' });
    await expect(get(tokenId, 10, undefined, other.operatorId)).rejects.toMatchObject({ code: 'UNKNOWN_OPERATOR_TOKEN' });
  });
});
