import {
  contextOf,
  HandlerRuntime,
  igamingOperator,
  keyActor,
  openHandlerRuntime,
  upsertEntity,
} from '../../../testing/handler.spec-helper';
import { EraseEntityCommand } from '../../../entities/commands/erase-entity/erase-entity.command';
import { EraseEntityHandler } from '../../../entities/commands/erase-entity/erase-entity.handler';
import { RecordActivityCommand } from '../../commands/record-activity/record-activity.command';
import { RecordActivityHandler } from '../../commands/record-activity/record-activity.handler';
import { GetEntityStateHandler } from './get-entity-state.handler';
import { GetEntityStateQuery } from './get-entity-state.query';

describe('GetEntityStateHandler', () => {
  let rt: HandlerRuntime;
  let handler: GetEntityStateHandler;
  let operator: Awaited<ReturnType<typeof igamingOperator>>;

  const record = (externalId: string, eventType: string, occurredAt: string, data: Record<string, unknown>, of = operator) =>
    new RecordActivityHandler(rt.commands, rt.cipher).execute(new RecordActivityCommand(of.operatorId, externalId, eventType, occurredAt, data, contextOf(keyActor(of.keyId))));
  const state = (externalId: string, operatorId = operator.operatorId) => handler.execute(new GetEntityStateQuery(operatorId, externalId));

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new GetEntityStateHandler(rt.stores.read, rt.cipher);
    operator = await igamingOperator(rt);
    await upsertEntity(rt, operator, 'player_1');
  });
  afterEach(() => rt.close());

  it("answers what the entity's events add up to: counts and sums per type, first and last seen", async () => {
    await upsertEntity(rt, operator, 'player_2');
    // Out of order in time, with another entity's events in between.
    await record('player_1', 'deposit', '2026-04-06T12:00:00.000Z', { amount: 50 });
    await record('player_2', 'deposit', '2026-01-01T00:00:00.000Z', { amount: 999 });
    await record('player_1', 'bet', '2026-04-06T09:00:00.000Z', { stake: 5 });
    await record('player_1', 'deposit', '2026-04-07T08:00:00.000Z', { amount: 25, ip_address: '203.0.113.9' });

    await expect(state('player_1')).resolves.toEqual({
      eventCount: 3,
      byType: { deposit: { count: 2, sums: { amount: 75 } }, bet: { count: 1, sums: { stake: 5 } } },
      firstSeen: '2026-04-06T09:00:00.000Z',
      lastSeen: '2026-04-07T08:00:00.000Z',
    });
  });

  it('answers an empty state for a live entity without events', async () => {
    await expect(state('player_1')).resolves.toEqual({ eventCount: 0, byType: {}, firstSeen: null, lastSeen: null });
  });

  it('answers ENTITY_NOT_FOUND for an unknown externalId, an erased entity and another operator’s', async () => {
    const other = await igamingOperator(rt);
    await upsertEntity(rt, other, 'player_other');
    await record('player_1', 'deposit', '2026-04-06T12:00:00.000Z', { amount: 50 });
    await new EraseEntityHandler(rt.commands, rt.cipher, rt.stores.requests).execute(
      new EraseEntityCommand(operator.operatorId, 'player_1', contextOf(keyActor(operator.keyId))),
    );

    await expect(state('nobody')).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    await expect(state('player_1')).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    await expect(state('player_other')).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
  });
});
