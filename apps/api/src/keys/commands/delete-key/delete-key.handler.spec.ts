import { keyRingStream } from '@onehazel/domain';
import { Collections } from '@onehazel/projections';
import {
  contextOf,
  HandlerRuntime,
  issueKey,
  keyActor,
  openHandlerRuntime,
  operatorWithKey,
  typesOf,
} from '../../../testing/handler.spec-helper';
import { RevokeKeyCommand } from '../revoke-key/revoke-key.command';
import { RevokeKeyHandler } from '../revoke-key/revoke-key.handler';
import { DeleteKeyCommand } from './delete-key.command';
import { DeleteKeyHandler } from './delete-key.handler';

describe('DeleteKeyHandler', () => {
  let rt: HandlerRuntime;
  let handler: DeleteKeyHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;
  let revokedKeyId: string;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new DeleteKeyHandler(rt.commands, rt.stores.read);
    operator = await operatorWithKey(rt);
    revokedKeyId = (await issueKey(rt, operator.operatorId, { label: 'old' })).id;
    await new RevokeKeyHandler(rt.commands, rt.stores.read).execute(new RevokeKeyCommand(operator.operatorId, revokedKeyId, 'operator', contextOf(keyActor(operator.keyId))));
  });
  afterEach(() => rt.close());

  const remove = (keyId: string, operatorId = operator.operatorId) =>
    handler.execute(new DeleteKeyCommand(operatorId, keyId, contextOf(keyActor(operator.keyId))));

  it('records ApiKeyDeleted for a revoked key, which leaves the key list; the log keeps its history', async () => {
    await remove(revokedKeyId);

    expect(await typesOf(rt, keyRingStream(operator.operatorId))).toEqual(['ApiKeyIssued', 'ApiKeyIssued', 'ApiKeyRevoked', 'ApiKeyDeleted']);
    expect(await rt.stores.read.get(Collections.apiKeys, revokedKeyId)).toBeNull();
  });

  it('refuses to delete an active key with KEY_NOT_REVOKED', async () => {
    await expect(remove(operator.keyId)).rejects.toMatchObject({ code: 'KEY_NOT_REVOKED' });

    expect(await rt.stores.read.get(Collections.apiKeys, operator.keyId)).toMatchObject({ revoked: false });
  });

  it("answers API_KEY_NOT_FOUND for a deleted key, an unknown one and another operator's", async () => {
    const other = await operatorWithKey(rt);
    await remove(revokedKeyId);

    await expect(remove(revokedKeyId)).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    await expect(remove('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    await expect(remove(other.keyId)).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    expect(await typesOf(rt, keyRingStream(operator.operatorId))).toHaveLength(4);
  });
});
