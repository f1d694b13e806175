import { keyRingStream } from '@onehazel/domain';
import { Collections } from '@onehazel/projections';
import {
  contextOf,
  HandlerRuntime,
  issueKey,
  keyActor,
  openHandlerRuntime,
  operatorWithKey,
  platformActor,
  typesOf,
} from '../../../testing/handler.spec-helper';
import type { KeyManager } from '@onehazel/domain';
import { RevokeKeyCommand } from './revoke-key.command';
import { RevokeKeyHandler } from './revoke-key.handler';

describe('RevokeKeyHandler', () => {
  let rt: HandlerRuntime;
  let handler: RevokeKeyHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new RevokeKeyHandler(rt.commands, rt.stores.read);
    operator = await operatorWithKey(rt);
  });
  afterEach(() => rt.close());

  const revoke = (keyId: string, by: KeyManager = 'operator', operatorId = operator.operatorId) =>
    handler.execute(new RevokeKeyCommand(operatorId, keyId, by, contextOf(by === 'operator' ? keyActor(operator.keyId) : platformActor(operator.platformId))));

  it("refuses the operator's revoking its last active key with LAST_ACTIVE_KEY, and records nothing", async () => {
    await expect(revoke(operator.keyId)).rejects.toMatchObject({ code: 'LAST_ACTIVE_KEY' });

    expect(await typesOf(rt, keyRingStream(operator.operatorId))).toEqual(['ApiKeyIssued']);
    expect(await rt.stores.read.get(Collections.apiKeys, operator.keyId)).toMatchObject({ revoked: false });
  });

  it('revokes a key while another stays active; then the other is the last one', async () => {
    const second = await issueKey(rt, operator.operatorId);

    await revoke(operator.keyId);

    expect(await typesOf(rt, keyRingStream(operator.operatorId))).toEqual(['ApiKeyIssued', 'ApiKeyIssued', 'ApiKeyRevoked']);
    // Authentication refuses it from the moment the handler answers.
    expect(await rt.stores.read.get(Collections.apiKeys, operator.keyId)).toMatchObject({ revoked: true });
    await expect(revoke(second.id)).rejects.toMatchObject({ code: 'LAST_ACTIVE_KEY' });
  });

  it("lets the platform revoke the operator's last key (incident response)", async () => {
    await revoke(operator.keyId, 'platform');

    const events = await rt.stores.events.readStream(keyRingStream(operator.operatorId));
    expect(events[1]).toMatchObject({ type: 'ApiKeyRevoked', data: { keyId: operator.keyId, revokedBy: 'platform' } });
    expect(await rt.stores.read.get(Collections.apiKeys, operator.keyId)).toMatchObject({ revoked: true });
  });

  it('changes nothing when the key is already revoked', async () => {
    await revoke(operator.keyId, 'platform');
    await revoke(operator.keyId, 'platform');

    expect(await typesOf(rt, keyRingStream(operator.operatorId))).toEqual(['ApiKeyIssued', 'ApiKeyRevoked']);
  });

  it("answers API_KEY_NOT_FOUND for a key that does not exist, and for another operator's", async () => {
    const other = await operatorWithKey(rt);

    await expect(revoke('00000000-0000-4000-8000-000000000000', 'platform')).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    await expect(revoke(other.keyId, 'platform')).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    expect(await rt.stores.read.get(Collections.apiKeys, other.keyId)).toMatchObject({ revoked: false });
  });
});
