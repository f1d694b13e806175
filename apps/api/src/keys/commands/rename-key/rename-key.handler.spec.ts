import { keyRingStream } from '@onehazel/domain';
import { Collections } from '@onehazel/projections';
import { contextOf, eventsOf, HandlerRuntime, keyActor, openHandlerRuntime, operatorWithKey } from '../../../testing/handler.spec-helper';
import { RenameKeyCommand } from './rename-key.command';
import { RenameKeyHandler } from './rename-key.handler';

describe('RenameKeyHandler', () => {
  let rt: HandlerRuntime;
  let handler: RenameKeyHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new RenameKeyHandler(rt.commands, rt.stores.read);
    operator = await operatorWithKey(rt);
  });
  afterEach(() => rt.close());

  const rename = (keyId: string, label: string, operatorId = operator.operatorId) =>
    handler.execute(new RenameKeyCommand(operatorId, keyId, label, contextOf(keyActor(operator.keyId), 'req-rename', { at: '2026-05-01T00:00:00.000Z' })));

  it('records ApiKeyRenamed and the list shows the new label once it answers', async () => {
    await rename(operator.keyId, 'Production');

    const events = await eventsOf(rt, keyRingStream(operator.operatorId));
    expect(events[1]).toMatchObject({
      type: 'ApiKeyRenamed',
      data: { operatorId: operator.operatorId, keyId: operator.keyId, label: 'Production', renamedAt: '2026-05-01T00:00:00.000Z' },
      metadata: { actor: { kind: 'key', id: operator.keyId }, requestId: 'req-rename' },
    });
    expect(await rt.stores.read.get(Collections.apiKeys, operator.keyId)).toMatchObject({ label: 'Production' });
  });

  it("answers API_KEY_NOT_FOUND for a key that does not exist, and for another operator's, recording nothing", async () => {
    const other = await operatorWithKey(rt);

    await expect(rename('00000000-0000-4000-8000-000000000000', 'x')).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    await expect(rename(other.keyId, 'stolen')).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    expect(await eventsOf(rt, keyRingStream(operator.operatorId))).toHaveLength(1);
    expect(await rt.stores.read.get(Collections.apiKeys, other.keyId)).toMatchObject({ label: 'First key' });
  });
});
