import { createHash, randomUUID } from 'node:crypto';
import { keyRingStream } from '@onehazel/domain';
import { ApiKeyView, Collections } from '@onehazel/projections';
import {
  contextOf,
  eventsOf,
  HandlerRuntime,
  keyActor,
  openHandlerRuntime,
  operatorWithKey,
  platformActor,
  textOf,
} from '../../../testing/handler.spec-helper';
import { IssueKeyCommand } from './issue-key.command';
import { IssueKeyHandler } from './issue-key.handler';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('IssueKeyHandler', () => {
  let rt: HandlerRuntime;
  let handler: IssueKeyHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new IssueKeyHandler(rt.commands);
    operator = await operatorWithKey(rt);
  });
  afterEach(() => rt.close());

  const issue = (options: { commandId?: string; retry?: boolean; label?: string | null } = {}) =>
    handler.execute(
      new IssueKeyCommand(operator.operatorId, options.label ?? 'CI', 'operator', contextOf(keyActor(operator.keyId), 'req-issue', { commandId: options.commandId, retry: options.retry, at: '2026-04-06T10:30:00.000Z' })),
    );

  it('answers a new oh_live_ key once, and records only its SHA-256 and last four characters', async () => {
    const issued = await issue();

    expect(issued).toEqual({ id: expect.any(String), key: expect.stringMatching(/^oh_live_[0-9a-f]{64}$/), label: 'CI', createdAt: '2026-04-06T10:30:00.000Z' });
    const events = await eventsOf(rt, keyRingStream(operator.operatorId));
    expect(events[events.length - 1]).toMatchObject({
      type: 'ApiKeyIssued',
      data: { operatorId: operator.operatorId, keyId: issued.id, keyHash: sha256(issued.key), lastFour: issued.key.slice(-4), label: 'CI', issuedBy: 'operator' },
    });
    expect(textOf(events)).not.toContain(issued.key);
    expect(textOf(events)).not.toContain(issued.key.slice('oh_live_'.length, -4));
  });

  it('answers once authentication can find the key by its hash', async () => {
    const issued = await issue();

    const [found] = (await rt.stores.read.find(Collections.apiKeys, { where: { keyHash: sha256(issued.key) }, limit: 1 })) as ApiKeyView[];
    expect(found).toMatchObject({ id: issued.id, operatorId: operator.operatorId, revoked: false });
    expect(JSON.stringify(found)).not.toContain(issued.key);
  });

  it('issues a different key every time', async () => {
    const one = await issue();
    const two = await issue();

    expect(one.id).not.toBe(two.id);
    expect(one.key).not.toBe(two.key);
  });

  it('answers a replayed attempt of the request with KEY_SECRET_UNRECOVERABLE naming the key to revoke, and issues nothing more', async () => {
    const commandId = randomUUID();
    const first = await issue({ commandId });
    const before = await eventsOf(rt, keyRingStream(operator.operatorId));

    await expect(issue({ commandId, retry: true })).rejects.toMatchObject({ code: 'KEY_SECRET_UNRECOVERABLE', details: { keyId: first.id } });
    expect(await eventsOf(rt, keyRingStream(operator.operatorId))).toHaveLength(before.length);
  });

  it('records who issued it: the operator itself or its platform', async () => {
    const byPlatform = await new IssueKeyHandler(rt.commands).execute(
      new IssueKeyCommand(operator.operatorId, null, 'platform', contextOf(platformActor(operator.platformId))),
    );

    const events = await eventsOf(rt, keyRingStream(operator.operatorId));
    expect(events.find((event) => event.data.keyId === byPlatform.id)).toMatchObject({
      data: { issuedBy: 'platform', label: null },
      metadata: { actor: { kind: 'platform', id: operator.platformId } },
    });
  });
});
