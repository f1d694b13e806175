import { Collections, EntityView } from '@onehazel/projections';
import {
  contextOf,
  HandlerRuntime,
  igamingOperator,
  keyActor,
  openHandlerRuntime,
  playerData,
  upsertEntity,
} from '../../../testing/handler.spec-helper';
import { EraseEntityCommand } from '../../commands/erase-entity/erase-entity.command';
import { EraseEntityHandler } from '../../commands/erase-entity/erase-entity.handler';
import { GetEntityHandler } from './get-entity.handler';
import { GetEntityQuery } from './get-entity.query';

describe('GetEntityHandler', () => {
  let rt: HandlerRuntime;
  let handler: GetEntityHandler;
  let operator: Awaited<ReturnType<typeof igamingOperator>>;
  let entityId: string;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new GetEntityHandler(rt.stores.read, rt.cipher);
    operator = await igamingOperator(rt);
    entityId = (await upsertEntity(rt, operator, 'player_1')).id;
  });
  afterEach(() => rt.close());

  const get = (externalId = 'player_1', operatorId = operator.operatorId) => handler.execute(new GetEntityQuery(operatorId, externalId));

  it('answers the live entity with its personal fields decrypted (the read model holds envelopes)', async () => {
    const entity = await get();

    expect(entity).toMatchObject({ id: entityId, operatorId: operator.operatorId, externalId: 'player_1', entityType: 'player', erased: false, data: playerData() });
    const stored = (await rt.stores.read.get(Collections.entities, entityId)) as EntityView;
    expect(stored.data.first_name).toMatch(/^oh1\./);
  });

  it('answers the latest data after an update', async () => {
    await upsertEntity(rt, operator, 'player_1', { data: playerData({ first_name: 'Jim', vip_level: 'gold' }) });

    await expect(get()).resolves.toMatchObject({ id: entityId, data: { first_name: 'Jim', vip_level: 'gold' } });
  });

  it('answers DATA_UNREADABLE, never envelopes or wrong data, once the key is destroyed under a live read model', async () => {
    await rt.keyring.destroy(operator.operatorId, entityId);

    await expect(get()).rejects.toMatchObject({ code: 'DATA_UNREADABLE' });
  });

  it('answers ENTITY_NOT_FOUND for an unknown externalId, an erased entity and another operator’s', async () => {
    const other = await igamingOperator(rt);
    await upsertEntity(rt, other, 'player_other');
    await upsertEntity(rt, operator, 'player_gone');
    await new EraseEntityHandler(rt.commands, rt.cipher, rt.stores.requests).execute(
      new EraseEntityCommand(operator.operatorId, 'player_gone', contextOf(keyActor(operator.keyId))),
    );

    await expect(get('nobody')).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    await expect(get('player_gone')).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    await expect(get('player_other')).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    await expect(get('player_1', other.operatorId)).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
  });
});
