import { randomUUID } from 'node:crypto';
import { Collections } from '@onehazel/projections';
import {
  contextOf,
  eventsOf,
  HandlerRuntime,
  igamingOperator,
  keyActor,
  openHandlerRuntime,
  upsertEntity, entityStreamOf } from '../../../testing/handler.spec-helper';
import { ErasureSubject } from '../../../personal-data/personal-data.cipher';
import { RecordActivityCommand } from '../../../activity/commands/record-activity/record-activity.command';
import { RecordActivityHandler } from '../../../activity/commands/record-activity/record-activity.handler';
import { EraseEntityCommand } from './erase-entity.command';
import { EraseEntityHandler } from './erase-entity.handler';

describe('EraseEntityHandler', () => {
  let rt: HandlerRuntime;
  let handler: EraseEntityHandler;
  let operator: Awaited<ReturnType<typeof igamingOperator>>;
  let entityId: string;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new EraseEntityHandler(rt.commands, rt.cipher, rt.stores.requests);
    operator = await igamingOperator(rt);
    entityId = (await upsertEntity(rt, operator, 'player_1')).id;
  });
  afterEach(() => rt.close());

  const erase = (externalId = 'player_1', operatorId = operator.operatorId) =>
    handler.execute(new EraseEntityCommand(operatorId, externalId, contextOf(keyActor(operator.keyId), undefined, { at: '2026-05-01T00:00:00.000Z' })));

  /** A stored Idempotency-Key answer, as the interceptor keeps it, about `subject`. */
  async function storedAnswer(key: string, subject: string | null): Promise<void> {
    const scope = ErasureSubject.scopeOf(operator.operatorId);
    const token = randomUUID();
    const now = Date.now();
    await rt.stores.requests.claim({ scope, key, token, fingerprint: `fp-${key}`, commandId: randomUUID(), owner: 'spec', now, lockMs: 60_000, ttlMs: 86_400_000 });
    await rt.stores.requests.complete(scope, key, token, 201, 'sealed answer', subject);
  }

  /** Whether the answer stored under this Idempotency-Key would still be replayed. */
  async function replays(key: string): Promise<boolean> {
    const claim = await rt.stores.requests.claim({
      scope: ErasureSubject.scopeOf(operator.operatorId),
      key,
      token: randomUUID(),
      fingerprint: `fp-${key}`,
      commandId: randomUUID(),
      owner: 'spec',
      now: Date.now(),
      lockMs: 60_000,
      ttlMs: 86_400_000,
    });
    return claim.outcome === 'done';
  }

  it("destroys the entity's data key, then records EntityErased, with no personal data", async () => {
    await erase();

    expect(await rt.stores.keys.get(operator.operatorId, entityId)).toBeNull();
    const events = await eventsOf(rt, await entityStreamOf(rt, operator.operatorId, 'player_1'));
    expect(events.map((event) => event.type)).toEqual(['EntityCreated', 'EntityErased']);
    expect(events[1]!.data).toEqual({ entityId, operatorId: operator.operatorId, erasedAt: '2026-05-01T00:00:00.000Z' });
    expect(await rt.stores.read.get(Collections.entities, entityId)).toMatchObject({ erased: true, data: {}, piiFields: [] });
    // What the log still holds of the entity cannot be opened any more.
    const sealed = events[0]!.data;
    await expect(rt.cipher.openEntityFields(operator.operatorId, entityId, sealed.data as Record<string, unknown>, sealed.piiFields as string[])).rejects.toMatchObject({
      code: 'DATA_UNREADABLE',
    });
  });

  it('purges the stored Idempotency-Key answers about the entity, and only those', async () => {
    const other = (await upsertEntity(rt, operator, 'player_2')).id;
    await storedAnswer('upsert-player-1', entityId);
    await storedAnswer('upsert-player-2', other);
    await storedAnswer('issue-key', null);

    await erase();

    expect(await replays('upsert-player-1')).toBe(false);
    expect(await replays('upsert-player-2')).toBe(true);
    expect(await replays('issue-key')).toBe(true);
  });

  it("strips the entity's activity from the read model (the events' payloads redacted)", async () => {
    await new RecordActivityHandler(rt.commands, rt.cipher).execute(
      new RecordActivityCommand(operator.operatorId, 'player_1', 'login', '2026-04-06T10:30:00.000Z', { ip_address: '203.0.113.9' }, contextOf(keyActor(operator.keyId))),
    );

    await erase();

    const [recorded] = await rt.stores.read.find(Collections.entityEvents, { where: { entityId }, orderBy: 'recordedPosition', limit: 10 });
    expect(recorded).toMatchObject({ redacted: true, data: {} });
  });

  it('answers ENTITY_NOT_FOUND for an entity already erased, an unknown externalId, and another operator’s entity', async () => {
    const other = await igamingOperator(rt);
    await upsertEntity(rt, other, 'player_other');
    await erase();

    await expect(erase()).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    await expect(erase('nobody')).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    await expect(erase('player_other')).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    expect((await eventsOf(rt, await entityStreamOf(rt, operator.operatorId, 'player_1'))).map((event) => event.type)).toEqual(['EntityCreated', 'EntityErased']);
    expect(await eventsOf(rt, await entityStreamOf(rt, other.operatorId, 'player_other'))).toHaveLength(1);
  });

  it('is repaired by the next erase when recording fails after the key was destroyed', async () => {
    const append = jest.spyOn(rt.stores.events, 'append');
    // The append and its one resend fail (the store is down for a moment).
    append.mockRejectedValueOnce(new Error('store down')).mockRejectedValueOnce(new Error('store down'));

    await expect(erase()).rejects.toThrow('store down');
    expect(await rt.stores.keys.get(operator.operatorId, entityId)).toBeNull();

    await erase();
    expect((await eventsOf(rt, await entityStreamOf(rt, operator.operatorId, 'player_1'))).map((event) => event.type)).toEqual(['EntityCreated', 'EntityErased']);
  });
});
