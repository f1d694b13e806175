import { randomUUID } from 'node:crypto';
import { commandScopedId } from '@onehazel/crypto';
import { entityActivityStream } from '@onehazel/domain';
import { Collections } from '@onehazel/projections';
import {
  contextOf,
  ContextOptions,
  ENVELOPE,
  eventsOf,
  HandlerRuntime,
  igamingOperator,
  keyActor,
  openHandlerRuntime,
  operatorWithKey,
  textOf,
  upsertEntity,
} from '../../../testing/handler.spec-helper';
import { EraseEntityCommand } from '../../../entities/commands/erase-entity/erase-entity.command';
import { EraseEntityHandler } from '../../../entities/commands/erase-entity/erase-entity.handler';
import { RecordActivityCommand } from './record-activity.command';
import { RecordActivityHandler } from './record-activity.handler';

const LOGIN = { ip_address: '203.0.113.9', device_id: 'device-42', channel: 'web' };

describe('RecordActivityHandler', () => {
  let rt: HandlerRuntime;
  let handler: RecordActivityHandler;
  let operator: Awaited<ReturnType<typeof igamingOperator>>;
  let entityId: string;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new RecordActivityHandler(rt.commands, rt.cipher);
    operator = await igamingOperator(rt);
    entityId = (await upsertEntity(rt, operator, 'player_1')).id;
  });
  afterEach(() => rt.close());

  const record = (
    options: ContextOptions & { externalId?: string; eventType?: string; data?: Record<string, unknown>; of?: { operatorId: string; keyId: string } } = {},
  ) => {
    const { externalId = 'player_1', eventType = 'login', data = LOGIN, of = operator, ...context } = options;
    return handler.execute(
      new RecordActivityCommand(of.operatorId, externalId, eventType, '2026-04-06T10:30:00.000Z', data, contextOf(keyActor(of.keyId), undefined, context)),
    );
  };
  const erase = (externalId = 'player_1') =>
    new EraseEntityHandler(rt.commands, rt.cipher, rt.stores.requests).execute(new EraseEntityCommand(operator.operatorId, externalId, contextOf(keyActor(operator.keyId))));

  it("records EntityEventRecorded on the entity's activity stream and answers it", async () => {
    const answer = await record({ eventType: 'deposit', data: { amount: 50, currency: 'GBP' } });

    expect(answer).toEqual({ id: expect.stringMatching(/^evt_[0-9a-f]{16}$/), externalId: 'player_1', eventType: 'deposit', occurredAt: '2026-04-06T10:30:00.000Z' });
    expect(await eventsOf(rt, entityActivityStream(entityId))).toMatchObject([
      { type: 'EntityEventRecorded', data: { eventId: answer.id, entityId, eventType: 'deposit', data: { amount: 50, currency: 'GBP' }, piiFields: [] } },
    ]);
    expect(await rt.stores.read.get(Collections.entityEvents, answer.id)).toMatchObject({ entityId, eventType: 'deposit' });
  });

  it("seals the template's event_pii_fields present in the data with the entity's key, the rest stays plain", async () => {
    await record();

    const events = await eventsOf(rt, entityActivityStream(entityId));
    const { data, piiFields } = events[0]!.data as { data: Record<string, unknown>; piiFields: string[] };
    expect(data).toEqual({ ip_address: expect.stringMatching(ENVELOPE), device_id: expect.stringMatching(ENVELOPE), channel: 'web' });
    expect(piiFields).toEqual(['ip_address', 'device_id']);
    expect(textOf(events)).not.toContain('203.0.113.9');
    expect(textOf(events)).not.toContain('device-42');
    const entityKeyId = (await rt.stores.keys.get(operator.operatorId, entityId))!.keyId;
    expect(String(data.ip_address).split('.')[1]).toBe(entityKeyId);
  });

  it('answers a retry of the request (same commandId) with the event recorded first, recording one event', async () => {
    const commandId = randomUUID();
    const first = await record({ commandId });

    const retried = await record({ commandId, retry: true });

    expect(first.id).toBe(commandScopedId(commandId, 'evt_'));
    expect(retried).toEqual(first);
    expect(await eventsOf(rt, entityActivityStream(entityId))).toHaveLength(1);
  });

  it('answers a retry with what was recorded even when the entity was erased since', async () => {
    const commandId = randomUUID();
    const first = await record({ commandId });
    await erase();

    await expect(record({ commandId, retry: true })).resolves.toEqual(first);
    await expect(record()).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
  });

  it('answers ENTITY_NOT_FOUND for an unknown externalId, an erased entity and another operator’s, recording nothing', async () => {
    const other = await igamingOperator(rt);
    const otherEntity = (await upsertEntity(rt, other, 'player_other')).id;
    await erase();

    await expect(record({ externalId: 'nobody' })).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    await expect(record()).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    await expect(record({ externalId: 'player_other' })).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    expect(await eventsOf(rt, entityActivityStream(entityId))).toEqual([]);
    expect(await eventsOf(rt, entityActivityStream(otherEntity))).toEqual([]);
  });

  it('answers ENTITY_NOT_FOUND when the entity is live but its key is already gone (an erasure under way)', async () => {
    await rt.keyring.destroy(operator.operatorId, entityId);

    await expect(record()).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    expect(await eventsOf(rt, entityActivityStream(entityId))).toEqual([]);
  });

  it('answers TEMPLATE_NOT_CONFIGURED before the operator has a template', async () => {
    const bare = await operatorWithKey(rt);

    await expect(record({ of: bare })).rejects.toMatchObject({ code: 'TEMPLATE_NOT_CONFIGURED' });
  });
});
