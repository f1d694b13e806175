import { randomUUID } from 'node:crypto';
import {
  contextOf,
  HandlerRuntime,
  issueKey,
  keyActor,
  openHandlerRuntime,
  pagesOf,
  platformActor,
  platformWithOperator,
} from '../../../testing/handler.spec-helper';
import { HistoryEntry } from '@onehazel/audit';
import { RenameKeyCommand } from '../../../keys/commands/rename-key/rename-key.command';
import { RenameKeyHandler } from '../../../keys/commands/rename-key/rename-key.handler';
import { RevokeKeyCommand } from '../../../keys/commands/revoke-key/revoke-key.command';
import { RevokeKeyHandler } from '../../../keys/commands/revoke-key/revoke-key.handler';
import { SuspendOperatorCommand } from '../../commands/suspend-operator/suspend-operator.command';
import { SuspendOperatorHandler } from '../../commands/suspend-operator/suspend-operator.handler';
import { UpdateOperatorCommand } from '../../commands/update-operator/update-operator.command';
import { UpdateOperatorHandler } from '../../commands/update-operator/update-operator.handler';
import { GetOperatorHistoryHandler } from './get-operator-history.handler';
import { GetOperatorHistoryQuery } from './get-operator-history.query';

describe('GetOperatorHistoryHandler', () => {
  let rt: HandlerRuntime;
  let handler: GetOperatorHistoryHandler;
  let platformId: string;
  let operatorId: string;
  let keyId: string;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new GetOperatorHistoryHandler(rt.stores.events, rt.stores.read);
    ({ platformId, operatorId } = await platformWithOperator(rt));
    const other = await platformWithOperator(rt);
    const asPlatform = () => contextOf(platformActor(platformId), `req-${randomUUID()}`);
    // The operator's events and its key ring's, interleaved, with another operator's in between.
    keyId = (await issueKey(rt, operatorId, { label: 'one', actor: platformActor(platformId) })).id;
    await issueKey(rt, other.operatorId, { label: 'foreign' });
    await new UpdateOperatorHandler(rt.commands, rt.cipher).execute(new UpdateOperatorCommand(platformId, operatorId, { name: 'Renamed' }, undefined, asPlatform()));
    const second = await issueKey(rt, operatorId, { label: 'two', actor: platformActor(platformId) });
    await new RenameKeyHandler(rt.commands, rt.stores.read).execute(new RenameKeyCommand(operatorId, keyId, 'first', contextOf(keyActor(keyId), 'req-rename')));
    await new UpdateOperatorHandler(rt.commands, rt.cipher).execute(new UpdateOperatorCommand(other.platformId, other.operatorId, { name: 'Foreign' }, undefined, asPlatform()));
    await new RevokeKeyHandler(rt.commands, rt.stores.read).execute(new RevokeKeyCommand(operatorId, second.id, 'platform', asPlatform()));
    await new SuspendOperatorHandler(rt.commands).execute(new SuspendOperatorCommand(platformId, operatorId, asPlatform()));
  });
  afterEach(() => rt.close());

  async function everything(limit: number): Promise<HistoryEntry[][]> {
    return pagesOf((cursor) => handler.execute(new GetOperatorHistoryQuery(operatorId, {}, limit, cursor)));
  }

  it("answers the operator's events and its keys' in log order, and no other operator's", async () => {
    const [entries] = await everything(100);

    expect(entries!.map((entry) => entry.type)).toEqual([
      'OperatorCreated',
      'ApiKeyIssued',
      'OperatorUpdated',
      'ApiKeyIssued',
      'ApiKeyRenamed',
      'ApiKeyRevoked',
      'OperatorSuspended',
    ]);
    expect(entries!.every((entry) => entry.data.operatorId === operatorId)).toBe(true);
  });

  it('shows who did what in which request, and never a key hash', async () => {
    const [entries] = await everything(100);

    expect(entries!.find((entry) => entry.type === 'ApiKeyRenamed')).toMatchObject({
      actor: { kind: 'key', id: keyId },
      requestId: 'req-rename',
      keyId,
      data: { label: 'first' },
    });
    for (const entry of entries!) expect(entry.data).not.toHaveProperty('keyHash');
    expect(JSON.stringify(entries)).not.toMatch(/[0-9a-f]{64}/);
  });

  it('pages the history with a cursor, in the same order', async () => {
    const pages = await everything(3);
    const [all] = await everything(100);

    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(all);
  });

  it('answers an empty history for an operator with no events', async () => {
    await expect(handler.execute(new GetOperatorHistoryQuery('op_0123456789abcdef', {}, 10, undefined))).resolves.toEqual({ items: [], nextCursor: null });
  });
});
