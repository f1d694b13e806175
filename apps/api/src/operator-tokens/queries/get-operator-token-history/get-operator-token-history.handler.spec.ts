import type { Actor } from '@onehazel/domain';
import { contextOf, HandlerRuntime, keyActor, openHandlerRuntime, operatorWithKey } from '../../../testing/handler.spec-helper';
import { MintChildKeyCommand } from '../../commands/mint-child-key/mint-child-key.command';
import { MintChildKeyHandler } from '../../commands/mint-child-key/mint-child-key.handler';
import { MintOperatorTokenCommand } from '../../commands/mint-operator-token/mint-operator-token.command';
import { MintOperatorTokenHandler } from '../../commands/mint-operator-token/mint-operator-token.handler';
import { RevokeOperatorTokenCommand } from '../../commands/revoke-operator-token/revoke-operator-token.command';
import { RevokeOperatorTokenHandler } from '../../commands/revoke-operator-token/revoke-operator-token.handler';
import { SubmissionQuota } from '../../submission-quota';
import { GetOperatorTokenHistoryHandler } from './get-operator-token-history.handler';
import { GetOperatorTokenHistoryQuery } from './get-operator-token-history.query';

const tokenActor = (tokenId: string): Actor => ({ kind: 'operator-token', id: tokenId });

describe('GetOperatorTokenHistoryHandler', () => {
  let rt: HandlerRuntime;
  let handler: GetOperatorTokenHistoryHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;
  let tokenId: string;
  let children: string[];

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new GetOperatorTokenHistoryHandler(rt.stores.events, rt.stores.read);
    operator = await operatorWithKey(rt);
    const quota = new SubmissionQuota(rt.stores.requests, rt.stores.read, () => Date.parse('2026-05-01T00:00:00Z'));
    const at = (instant: string) => ({ at: instant });
    tokenId = (
      await new MintOperatorTokenHandler(rt.commands, rt.config).execute(
        new MintOperatorTokenCommand(operator.operatorId, 'fleet', 10, 100, contextOf(keyActor(operator.keyId), 'req-mint', at('2026-05-01T10:00:00.000Z'))),
      )
    ).id;
    const child = async (instant: string) =>
      (
        await new MintChildKeyHandler(rt.commands, quota, rt.config).execute(
          new MintChildKeyCommand(operator.operatorId, tokenId, null, contextOf(tokenActor(tokenId), undefined, at(instant))),
        )
      ).keyId;
    children = [await child('2026-05-02T10:00:00.000Z'), await child('2026-05-03T10:00:00.000Z')];
    await new RevokeOperatorTokenHandler(rt.commands).execute(
      new RevokeOperatorTokenCommand(operator.operatorId, tokenId, true, contextOf(keyActor(operator.keyId), 'req-revoke', at('2026-05-04T10:00:00.000Z'))),
    );
  });
  afterEach(() => rt.close());

  const history = (window: { from?: string; to?: string; asOf?: string }, limit = 100) =>
    handler.execute(new GetOperatorTokenHistoryQuery(operator.operatorId, tokenId, window, limit, undefined));

  it('answers the token’s events and its children’s, in log order, with what each changed', async () => {
    const { items } = await history({});

    expect(items.map((entry) => [entry.type, entry.at])).toEqual([
      ['OperatorTokenMinted', '2026-05-01T10:00:00.000Z'],
      ['ChildKeyMinted', '2026-05-02T10:00:00.000Z'],
      ['ChildKeyMinted', '2026-05-03T10:00:00.000Z'],
      ['OperatorTokenRevoked', '2026-05-04T10:00:00.000Z'],
      ['ChildKeyRevoked', '2026-05-04T10:00:00.000Z'],
      ['ChildKeyRevoked', '2026-05-04T10:00:00.000Z'],
    ]);
    expect(items[3]!.summary).toBe('operator token revoked, with its child keys');
    expect(JSON.stringify(items)).not.toContain('tokenHash');
  });

  it('folds the token at an instant: which children existed and were live then', async () => {
    const oneChild = await history({ asOf: '2026-05-02T12:00:00Z' });
    const revoked = await history({ asOf: '2026-05-04T10:00:00Z' });

    expect(oneChild.asOf).toMatchObject({ state: { revoked: false, children: [{ keyId: children[0], live: true }], liveChildren: 1 }, event: { type: 'ChildKeyMinted' } });
    expect(oneChild.items).toHaveLength(2);
    expect(revoked.asOf!.state).toMatchObject({ revoked: true, liveChildren: 0, children: children.map((keyId) => ({ keyId, live: false })) });
  });

  it('keeps only the entries between from and to', async () => {
    const { items } = await history({ from: '2026-05-02T00:00:00Z', to: '2026-05-03T23:59:59Z' });
    expect(items.map((entry) => entry.type)).toEqual(['ChildKeyMinted', 'ChildKeyMinted']);
  });

  it('answers UNKNOWN_OPERATOR_TOKEN for a token of another operator, or none', async () => {
    const other = await operatorWithKey(rt);
    await expect(handler.execute(new GetOperatorTokenHistoryQuery(other.operatorId, tokenId, {}, 10, undefined))).rejects.toMatchObject({ code: 'UNKNOWN_OPERATOR_TOKEN' });
  });
});
