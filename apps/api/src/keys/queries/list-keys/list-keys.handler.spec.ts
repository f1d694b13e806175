import { commandScopedUuid } from '@onehazel/crypto';
import { Collections } from '@onehazel/projections';
import {
  commandIdsWithDescendingIds,
  contextOf,
  HandlerRuntime,
  issueKey,
  keyActor,
  openHandlerRuntime,
  operatorWithKey,
  pagesOf,
} from '../../../testing/handler.spec-helper';
import { RevokeKeyCommand } from '../../commands/revoke-key/revoke-key.command';
import { RevokeKeyHandler } from '../../commands/revoke-key/revoke-key.handler';
import { ListKeysHandler } from './list-keys.handler';
import { KeyWithUsage, ListKeysQuery } from './list-keys.query';

describe('ListKeysHandler', () => {
  let rt: HandlerRuntime;
  let handler: ListKeysHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;
  /** The operator's keys in issue order (after its first one, their ids sort the other way round). */
  let keys: string[];

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new ListKeysHandler(rt.stores.read);
    operator = await operatorWithKey(rt);
    const other = await operatorWithKey(rt);
    keys = [operator.keyId];
    for (const [index, commandId] of commandIdsWithDescendingIds(4, (id) => commandScopedUuid(id, 'key')).entries()) {
      keys.push((await issueKey(rt, operator.operatorId, { label: `key ${index}`, commandId })).id);
      // Another operator's keys, issued in between: never listed.
      await issueKey(rt, other.operatorId, { label: `foreign ${index}` });
    }
  });
  afterEach(() => rt.close());

  async function allPages(limit: number): Promise<KeyWithUsage[][]> {
    return pagesOf((cursor) => handler.execute(new ListKeysQuery(operator.operatorId, limit, cursor)));
  }

  it("lists the operator's keys in issue order, two a page, never another operator's", async () => {
    const pages = await allPages(2);

    expect(pages.map((page) => page.map((key) => key.id))).toEqual([keys.slice(0, 2), keys.slice(2, 4), keys.slice(4)]);
    expect(pages.flat().every((key) => key.operatorId === operator.operatorId)).toBe(true);
  });

  it('keeps revoked keys in the list, marked revoked', async () => {
    await new RevokeKeyHandler(rt.commands, rt.stores.read).execute(new RevokeKeyCommand(operator.operatorId, keys[2]!, 'operator', contextOf(keyActor(operator.keyId))));

    const listed = (await allPages(10)).flat();
    expect(listed.map((key) => [key.id, key.revoked])).toEqual(keys.map((id, index) => [id, index === 2]));
  });

  it('shows when each key was last used, null for a key never used', async () => {
    await rt.stores.read.recordTime(Collections.apiKeyUsage, keys[1]!, 'lastUsedAt', '2026-04-06T10:30:00.000Z', 0);
    await rt.stores.read.recordTime(Collections.apiKeyUsage, keys[4]!, 'lastUsedAt', '2026-04-07T08:00:00.000Z', 0);

    const [first, second, third] = await allPages(2);
    expect(first!.map((key) => key.lastUsedAt)).toEqual([null, '2026-04-06T10:30:00.000Z']);
    expect(second!.map((key) => key.lastUsedAt)).toEqual([null, null]);
    expect(third!.map((key) => key.lastUsedAt)).toEqual(['2026-04-07T08:00:00.000Z']);
  });

  it('answers an empty list for an operator without keys', async () => {
    await expect(handler.execute(new ListKeysQuery('op_0123456789abcdef', 10, undefined))).resolves.toEqual({ items: [], nextCursor: null });
  });
});
