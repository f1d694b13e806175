import { randomUUID } from 'node:crypto';
import {
  contextOf,
  HandlerRuntime,
  issueKey,
  keyActor,
  openHandlerRuntime,
  operatorWithKey,
  pagesOf,
  platformActor,
} from '../../../testing/handler.spec-helper';
import { HistoryEntry } from '@onehazel/audit';
import { RenameKeyCommand } from '../../commands/rename-key/rename-key.command';
import { RenameKeyHandler } from '../../commands/rename-key/rename-key.handler';
import { RevokeKeyCommand } from '../../commands/revoke-key/revoke-key.command';
import { RevokeKeyHandler } from '../../commands/revoke-key/revoke-key.handler';
import { GetKeyHistoryHandler } from './get-key-history.handler';
import { GetKeyHistoryQuery } from './get-key-history.query';

describe('GetKeyHistoryHandler', () => {
  let rt: HandlerRuntime;
  let handler: GetKeyHistoryHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;
  let other: Awaited<ReturnType<typeof operatorWithKey>>;
  let keyId: string;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new GetKeyHistoryHandler(rt.stores.events, rt.stores.read);
    operator = await operatorWithKey(rt);
    other = await operatorWithKey(rt);
    const rename = (id: string, label: string) =>
      new RenameKeyHandler(rt.commands, rt.stores.read).execute(new RenameKeyCommand(operator.operatorId, id, label, contextOf(keyActor(operator.keyId), `req-${label}`)));
    // The key's events, with the operator's other key's and another operator's in between.
    keyId = (await issueKey(rt, operator.operatorId, { label: 'ci', actor: platformActor(operator.platformId) })).id;
    await rename(operator.keyId, 'first-renamed');
    await rename(keyId, 'ci-1');
    await issueKey(rt, other.operatorId, { label: 'foreign' });
    await rename(keyId, 'ci-2');
    await new RevokeKeyHandler(rt.commands, rt.stores.read).execute(new RevokeKeyCommand(operator.operatorId, keyId, 'operator', contextOf(keyActor(operator.keyId), 'req-revoke')));
  });
  afterEach(() => rt.close());

  async function allPages(operatorId: string, id: string, limit: number): Promise<HistoryEntry[][]> {
    return pagesOf((cursor) => handler.execute(new GetKeyHistoryQuery(operatorId, id, {}, limit, cursor)));
  }

  it("answers the key's events in log order, and no other key's", async () => {
    const [entries] = await allPages(operator.operatorId, keyId, 100);

    expect(entries!.map((entry) => [entry.type, entry.data.label ?? null])).toEqual([
      ['ApiKeyIssued', 'ci'],
      ['ApiKeyRenamed', 'ci-1'],
      ['ApiKeyRenamed', 'ci-2'],
      ['ApiKeyRevoked', null],
    ]);
    expect(entries!.every((entry) => entry.keyId === keyId)).toBe(true);
  });

  it('says who did each change in which request, and never shows the key hash', async () => {
    const [entries] = await allPages(operator.operatorId, keyId, 100);

    expect(entries![0]).toMatchObject({ actor: { kind: 'platform', id: operator.platformId } });
    expect(entries![3]).toMatchObject({ actor: { kind: 'key', id: operator.keyId }, requestId: 'req-revoke' });
    for (const entry of entries!) expect(entry.data).not.toHaveProperty('keyHash');
    expect(JSON.stringify(entries)).not.toMatch(/[0-9a-f]{64}/);
  });

  it('pages the history with a cursor', async () => {
    const pages = await allPages(operator.operatorId, keyId, 3);

    expect(pages.map((page) => page.map((entry) => entry.type))).toEqual([['ApiKeyIssued', 'ApiKeyRenamed', 'ApiKeyRenamed'], ['ApiKeyRevoked']]);
  });

  it('reads one page of the index for a page, not the log: however many events the key ring holds', async () => {
    for (let i = 0; i < 30; i++) await issueKey(rt, operator.operatorId, { label: `other-${i}` }); // the ring grows; this key's history does not
    const streams = jest.spyOn(rt.stores.events, 'readStream');
    const finds = jest.spyOn(rt.stores.read, 'find');
    const first = await handler.execute(new GetKeyHistoryQuery(operator.operatorId, keyId, {}, 2, undefined));
    const second = await handler.execute(new GetKeyHistoryQuery(operator.operatorId, keyId, {}, 2, first.nextCursor!));

    expect([...first.items, ...second.items].map((entry) => entry.type)).toEqual(['ApiKeyIssued', 'ApiKeyRenamed', 'ApiKeyRenamed', 'ApiKeyRevoked']);
    expect(second.nextCursor).toBeNull();
    expect(streams).not.toHaveBeenCalled();
    expect(finds.mock.calls.every(([, query]) => query.limit <= 3)).toBe(true); // the page and one more, or the existence check
  });

  it('bounds the page by from and to, without reading past them', async () => {
    const [all] = await allPages(operator.operatorId, keyId, 100);
    const [, renamed, renamedAgain] = all!;
    const window = { from: renamed!.at, to: renamedAgain!.at };
    const page = await handler.execute(new GetKeyHistoryQuery(operator.operatorId, keyId, window, 100, undefined));
    expect(page.items.every((entry) => entry.at >= window.from && entry.at <= window.to)).toBe(true);
    expect(page.items.map((entry) => entry.type)).toContain('ApiKeyRenamed');
    expect(page.nextCursor).toBeNull();
  });

  it("answers API_KEY_NOT_FOUND for another operator's key, as for one that never was", async () => {
    await expect(handler.execute(new GetKeyHistoryQuery(operator.operatorId, other.keyId, {}, 10, undefined))).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    await expect(handler.execute(new GetKeyHistoryQuery(other.operatorId, keyId, {}, 10, undefined))).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    await expect(handler.execute(new GetKeyHistoryQuery(operator.operatorId, randomUUID(), {}, 10, undefined))).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
  });
});
