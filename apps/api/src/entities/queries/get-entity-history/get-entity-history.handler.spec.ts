import { contextOf, HandlerRuntime, igamingOperator, keyActor, openHandlerRuntime, upsertEntity } from '../../../testing/handler.spec-helper';
import { EraseEntityCommand } from '../../commands/erase-entity/erase-entity.command';
import { EraseEntityHandler } from '../../commands/erase-entity/erase-entity.handler';
import { GetEntityHistoryHandler } from './get-entity-history.handler';
import { GetEntityHistoryQuery } from './get-entity-history.query';

describe('GetEntityHistoryHandler', () => {
  let rt: HandlerRuntime;
  let handler: GetEntityHistoryHandler;
  let operator: Awaited<ReturnType<typeof igamingOperator>>;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new GetEntityHistoryHandler(rt.commands, rt.cipher);
    operator = await igamingOperator(rt);
    await upsertEntity(rt, operator, 'player_1');
  });
  afterEach(() => rt.close());

  const history = (window: { asOf?: string } = {}, externalId = 'player_1', operatorId = operator.operatorId) =>
    handler.execute(new GetEntityHistoryQuery(operatorId, externalId, window, 100, undefined));

  it('answers the entity’s life without its data, and live at an instant after its creation', async () => {
    const { items, asOf } = await history({ asOf: '2100-01-01T00:00:00Z' });

    expect(items.map((entry) => [entry.type, entry.keyId, entry.data])).toEqual([['EntityCreated', null, {}]]);
    expect(asOf).toMatchObject({ state: { status: 'live', entityType: 'player' }, event: { type: 'EntityCreated', data: {} } });
  });

  it('still finds an erased entity by its externalId, and shows that it was erased and nothing more', async () => {
    await new EraseEntityHandler(rt.commands, rt.cipher, rt.stores.requests).execute(new EraseEntityCommand(operator.operatorId, 'player_1', contextOf(keyActor(operator.keyId))));

    const { items, asOf } = await history({ asOf: '2100-01-01T00:00:00Z' });

    expect(items.map((entry) => entry.type)).toEqual(['EntityCreated', 'EntityErased']);
    expect(items.every((entry) => Object.keys(entry.data).length === 0)).toBe(true);
    expect(asOf!.state).toEqual({ status: 'erased', entityType: 'player' });
  });

  it('answers ENTITY_NOT_FOUND for an externalId with no history, and for another operator’s', async () => {
    const other = await igamingOperator(rt);
    await expect(history({}, 'player_none')).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    await expect(history({}, 'player_1', other.operatorId)).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
  });
});
