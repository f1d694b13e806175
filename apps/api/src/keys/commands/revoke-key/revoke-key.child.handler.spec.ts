import { Actor, KeyManager, keyRingStream, operatorTokensStream } from '@onehazel/domain';
import { Collections } from '@onehazel/projections';
import { contextOf, eventsOf, HandlerRuntime, keyActor, openHandlerRuntime, operatorWithKey, platformActor, typesOf } from '../../../testing/handler.spec-helper';
import { MintChildKeyCommand } from '../../../operator-tokens/commands/mint-child-key/mint-child-key.command';
import { MintChildKeyHandler } from '../../../operator-tokens/commands/mint-child-key/mint-child-key.handler';
import { MintOperatorTokenCommand } from '../../../operator-tokens/commands/mint-operator-token/mint-operator-token.command';
import { MintOperatorTokenHandler } from '../../../operator-tokens/commands/mint-operator-token/mint-operator-token.handler';
import { SubmissionQuota } from '../../../operator-tokens/submission-quota';
import { RevokeKeyCommand } from './revoke-key.command';
import { RevokeKeyHandler } from './revoke-key.handler';

const tokenActor = (tokenId: string): Actor => ({ kind: 'operator-token', id: tokenId });

/** RevokeKeyHandler on a child key (seed 003): the key lives in its operator's token stream, not in the key ring. */
describe('RevokeKeyHandler (child keys)', () => {
  let rt: HandlerRuntime;
  let handler: RevokeKeyHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;
  let tokenId: string;
  let childKeyId: string;

  const childOf = async (owner: { operatorId: string; keyId: string }) => {
    const token = await new MintOperatorTokenHandler(rt.commands, rt.config).execute(new MintOperatorTokenCommand(owner.operatorId, null, 1000, 100, contextOf(keyActor(owner.keyId))));
    const child = await new MintChildKeyHandler(rt.commands, new SubmissionQuota(rt.stores.requests, rt.stores.read, rt.clock), rt.config).execute(
      new MintChildKeyCommand(owner.operatorId, token.id, null, contextOf(tokenActor(token.id))),
    );
    return { tokenId: token.id, keyId: child.keyId };
  };

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new RevokeKeyHandler(rt.commands, rt.stores.read);
    // The operator's one key (its last active one) and a child key minted from one of its tokens.
    operator = await operatorWithKey(rt);
    ({ tokenId, keyId: childKeyId } = await childOf(operator));
  });
  afterEach(() => rt.close());

  const revoke = (keyId: string, by: KeyManager = 'operator', operatorId = operator.operatorId) =>
    handler.execute(
      new RevokeKeyCommand(operatorId, keyId, by, contextOf(by === 'operator' ? keyActor(operator.keyId) : platformActor(operator.platformId), undefined, { at: '2026-04-06T10:30:00.000Z' })),
    );

  it("revokes a child key with ChildKeyRevoked on its operator's token stream, and nothing on the key ring", async () => {
    await revoke(childKeyId);

    const events = await eventsOf(rt, operatorTokensStream(operator.operatorId));
    expect(events.map((event) => event.type)).toEqual(['OperatorTokenMinted', 'ChildKeyMinted', 'ChildKeyRevoked']);
    expect(events[2]!.data).toEqual({ operatorId: operator.operatorId, tokenId, keyId: childKeyId, cascadeOf: null, revokedAt: '2026-04-06T10:30:00.000Z' });
    expect(await typesOf(rt, keyRingStream(operator.operatorId))).toEqual(['ApiKeyIssued']);
    // Authentication refuses it from the moment the handler answers; its token counts one live child less.
    expect(await rt.stores.read.get(Collections.apiKeys, childKeyId)).toMatchObject({ revoked: true, revokedAt: '2026-04-06T10:30:00.000Z' });
    expect(await rt.stores.read.get(Collections.operatorTokens, tokenId)).toMatchObject({ revoked: false, childrenCount: 0 });
  });

  it("leaves the operator's own last key active, and a live child key never counts as another of its active keys", async () => {
    await revoke(childKeyId);
    const live = await childOf(operator);

    expect(await rt.stores.read.get(Collections.apiKeys, operator.keyId)).toMatchObject({ revoked: false });
    await expect(revoke(operator.keyId)).rejects.toMatchObject({ code: 'LAST_ACTIVE_KEY' });
    expect(await rt.stores.read.get(Collections.apiKeys, operator.keyId)).toMatchObject({ revoked: false });
    expect(await rt.stores.read.get(Collections.apiKeys, live.keyId)).toMatchObject({ revoked: false });
  });

  it('changes nothing when the child key is already revoked, whoever revokes it', async () => {
    await revoke(childKeyId);
    await revoke(childKeyId, 'platform');

    expect(await typesOf(rt, operatorTokensStream(operator.operatorId))).toEqual(['OperatorTokenMinted', 'ChildKeyMinted', 'ChildKeyRevoked']);
  });

  it("answers API_KEY_NOT_FOUND for another operator's child key, and leaves it live", async () => {
    const other = await operatorWithKey(rt);
    const foreign = await childOf(other);

    await expect(revoke(foreign.keyId)).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    await expect(revoke(foreign.keyId, 'platform')).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    expect(await rt.stores.read.get(Collections.apiKeys, foreign.keyId)).toMatchObject({ revoked: false });
    expect(await typesOf(rt, operatorTokensStream(other.operatorId))).toEqual(['OperatorTokenMinted', 'ChildKeyMinted']);
  });
});
