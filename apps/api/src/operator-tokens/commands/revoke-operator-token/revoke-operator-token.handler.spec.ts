import { Actor, operatorTokensStream } from '@onehazel/domain';
import { ApiKeyView, Collections } from '@onehazel/projections';
import { contextOf, eventsOf, HandlerRuntime, keyActor, openHandlerRuntime, operatorWithKey, typesOf } from '../../../testing/handler.spec-helper';
import { RevokeKeyCommand } from '../../../keys/commands/revoke-key/revoke-key.command';
import { RevokeKeyHandler } from '../../../keys/commands/revoke-key/revoke-key.handler';
import { MintChildKeyCommand } from '../mint-child-key/mint-child-key.command';
import { MintChildKeyHandler } from '../mint-child-key/mint-child-key.handler';
import { MintOperatorTokenCommand } from '../mint-operator-token/mint-operator-token.command';
import { MintOperatorTokenHandler } from '../mint-operator-token/mint-operator-token.handler';
import { SubmissionQuota } from '../../submission-quota';
import { RevokeOperatorTokenCommand } from './revoke-operator-token.command';
import { RevokeOperatorTokenHandler } from './revoke-operator-token.handler';

const tokenActor = (tokenId: string): Actor => ({ kind: 'operator-token', id: tokenId });

describe('RevokeOperatorTokenHandler', () => {
  let rt: HandlerRuntime;
  let handler: RevokeOperatorTokenHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;
  /** The operator's token with three child keys, the last one revoked on its own. */
  let tokenId: string;
  let children: string[];
  /** Another token of the operator, with a child key of its own. */
  let otherTokenId: string;
  let otherChild: string;

  const mintToken = async (operatorId: string, keyId: string) =>
    (await new MintOperatorTokenHandler(rt.commands, rt.config).execute(new MintOperatorTokenCommand(operatorId, null, 1000, 100, contextOf(keyActor(keyId))))).id;
  const mintChild = async (token: string) =>
    (
      await new MintChildKeyHandler(rt.commands, new SubmissionQuota(rt.stores.requests, rt.stores.read, rt.clock), rt.config).execute(
        new MintChildKeyCommand(operator.operatorId, token, null, contextOf(tokenActor(token))),
      )
    ).keyId;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new RevokeOperatorTokenHandler(rt.commands);
    operator = await operatorWithKey(rt);
    tokenId = await mintToken(operator.operatorId, operator.keyId);
    otherTokenId = await mintToken(operator.operatorId, operator.keyId);
    children = [await mintChild(tokenId), await mintChild(tokenId), await mintChild(tokenId)];
    otherChild = await mintChild(otherTokenId);
    await new RevokeKeyHandler(rt.commands, rt.stores.read).execute(new RevokeKeyCommand(operator.operatorId, children[2]!, 'operator', contextOf(keyActor(operator.keyId))));
  });
  afterEach(() => rt.close());

  const revoke = (cascade: boolean, options: { id?: string; operatorId?: string; at?: string } = {}) =>
    handler.execute(
      new RevokeOperatorTokenCommand(options.operatorId ?? operator.operatorId, options.id ?? tokenId, cascade, contextOf(keyActor(operator.keyId), undefined, { at: options.at })),
    );
  const liveOf = async (keyIds: string[]) =>
    ((await rt.stores.read.getMany(Collections.apiKeys, keyIds)) as ApiKeyView[]).map((key) => [key.id, !key.revoked]);

  it('revokes the token alone by default: its child keys stay live', async () => {
    const revoked = await revoke(false, { at: '2026-04-06T10:30:00.000Z' });

    expect(revoked).toEqual({ id: tokenId, revokedAt: '2026-04-06T10:30:00.000Z', cascade: false, revokedChildKeys: 0 });
    expect(await rt.stores.read.get(Collections.operatorTokens, tokenId)).toMatchObject({ revoked: true, revokedAt: '2026-04-06T10:30:00.000Z' });
    expect(await liveOf([...children, otherChild])).toEqual([
      [children[0], true],
      [children[1], true],
      [children[2], false],
      [otherChild, true],
    ]);
  });

  it('with cascade, revokes the token and every live child key it minted in one append, and counts them', async () => {
    const append = jest.spyOn(rt.stores.events, 'append');

    const revoked = await revoke(true, { at: '2026-04-06T10:30:00.000Z' });

    expect(revoked).toEqual({ id: tokenId, revokedAt: '2026-04-06T10:30:00.000Z', cascade: true, revokedChildKeys: 2 });
    expect(append).toHaveBeenCalledTimes(1);
    expect(append.mock.calls[0]![0]).toBe(operatorTokensStream(operator.operatorId));
    expect(append.mock.calls[0]![1].map((event) => [event.type, event.data.keyId ?? event.data.tokenId])).toEqual([
      ['OperatorTokenRevoked', tokenId],
      ['ChildKeyRevoked', children[0]],
      ['ChildKeyRevoked', children[1]],
    ]);
    const events = await eventsOf(rt, operatorTokensStream(operator.operatorId));
    expect(events.slice(-2).map((event) => event.data)).toEqual([
      expect.objectContaining({ keyId: children[0], tokenId, cascadeOf: tokenId }),
      expect.objectContaining({ keyId: children[1], tokenId, cascadeOf: tokenId }),
    ]);
    // Authentication refuses them from the moment the handler answers; another token's child is left alone.
    expect(await liveOf([...children, otherChild])).toEqual([
      [children[0], false],
      [children[1], false],
      [children[2], false],
      [otherChild, true],
    ]);
    expect(await rt.stores.read.get(Collections.operatorTokens, tokenId)).toMatchObject({ revoked: true, childrenCount: 0 });
  });

  it('revokes nothing more a second time, and answers the first revocation time', async () => {
    await revoke(true, { at: '2026-04-06T10:30:00.000Z' });
    const before = await typesOf(rt, operatorTokensStream(operator.operatorId));

    const again = await revoke(true, { at: '2026-04-07T08:00:00.000Z' });

    expect(again).toEqual({ id: tokenId, revokedAt: '2026-04-06T10:30:00.000Z', cascade: true, revokedChildKeys: 0 });
    expect(await typesOf(rt, operatorTokensStream(operator.operatorId))).toEqual(before);
  });

  it('cascades later onto the children a revocation without cascade left live, keeping the first revocation time', async () => {
    await revoke(false, { at: '2026-04-06T10:30:00.000Z' });

    const cascaded = await revoke(true, { at: '2026-04-07T08:00:00.000Z' });

    expect(cascaded).toEqual({ id: tokenId, revokedAt: '2026-04-06T10:30:00.000Z', cascade: true, revokedChildKeys: 2 });
    expect(await liveOf(children)).toEqual(children.map((id) => [id, false]));
  });

  it("answers UNKNOWN_OPERATOR_TOKEN for a token that does not exist, and for another operator's, and revokes nothing", async () => {
    const other = await operatorWithKey(rt);
    const foreign = await mintToken(other.operatorId, other.keyId);

    await expect(revoke(true, { id: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ code: 'UNKNOWN_OPERATOR_TOKEN' });
    await expect(revoke(true, { id: foreign })).rejects.toMatchObject({ code: 'UNKNOWN_OPERATOR_TOKEN' });
    expect(await rt.stores.read.get(Collections.operatorTokens, foreign)).toMatchObject({ revoked: false });
    expect(await typesOf(rt, operatorTokensStream(other.operatorId))).toEqual(['OperatorTokenMinted']);
  });
});
