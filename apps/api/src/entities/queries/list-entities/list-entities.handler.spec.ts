import { commandScopedId } from '@onehazel/crypto';
import { EntityView } from '@onehazel/projections';
import {
  commandIdsWithDescendingIds,
  contextOf,
  ENVELOPE,
  HandlerRuntime,
  igamingOperator,
  keyActor,
  openHandlerRuntime,
  pagesOf,
  upsertEntity,
} from '../../../testing/handler.spec-helper';
import { EraseEntityCommand } from '../../commands/erase-entity/erase-entity.command';
import { EraseEntityHandler } from '../../commands/erase-entity/erase-entity.handler';
import { ListEntitiesHandler } from './list-entities.handler';
import { ListEntitiesQuery } from './list-entities.query';

const GAME = { name: 'Starburst', provider: 'NetEnt', rtp: 96.1 };

describe('ListEntitiesHandler', () => {
  let rt: HandlerRuntime;
  let handler: ListEntitiesHandler;
  let operator: Awaited<ReturnType<typeof igamingOperator>>;
  /** The operator's live players and games, in creation order (their ids sort the other way round). */
  let players: string[];
  let games: string[];

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new ListEntitiesHandler(rt.stores.read, rt.cipher);
    operator = await igamingOperator(rt);
    const other = await igamingOperator(rt);
    players = [];
    games = [];
    const commandIds = commandIdsWithDescendingIds(8, (commandId) => commandScopedId(commandId, 'ent_'));
    for (let index = 0; index < 4; index++) {
      players.push((await upsertEntity(rt, operator, `player_${index}`, { commandId: commandIds[2 * index] })).id);
      games.push((await upsertEntity(rt, operator, `game_${index}`, { entityType: 'game', data: GAME, commandId: commandIds[2 * index + 1] })).id);
      // Another operator's entities, and an erased one of this operator, in between: never listed.
      await upsertEntity(rt, other, `player_${index}`);
      await upsertEntity(rt, operator, `player_gone_${index}`);
      await new EraseEntityHandler(rt.commands, rt.cipher, rt.stores.requests).execute(
        new EraseEntityCommand(operator.operatorId, `player_gone_${index}`, contextOf(keyActor(operator.keyId))),
      );
    }
  });
  afterEach(() => rt.close());

  async function allPages(limit: number, entityType?: string): Promise<EntityView[][]> {
    return pagesOf((cursor) => handler.execute(new ListEntitiesQuery(operator.operatorId, entityType, limit, cursor)));
  }

  it("lists the operator's live entities in creation order, three a page, never another operator's or an erased one", async () => {
    const pages = await allPages(3);

    const created = players.flatMap((player, index) => [player, games[index]!]);
    expect(pages.map((page) => page.map((entity) => entity.id))).toEqual([created.slice(0, 3), created.slice(3, 6), created.slice(6)]);
    expect(pages.flat().every((entity) => entity.operatorId === operator.operatorId && !entity.erased)).toBe(true);
  });

  it('lists only the entity type asked for', async () => {
    expect((await allPages(3, 'player')).flat().map((entity) => entity.id)).toEqual(players);
    expect((await allPages(3, 'game')).flat().map((entity) => entity.id)).toEqual(games);
    expect(await allPages(3, 'dealer')).toEqual([[]]);
  });

  it('leaves personal fields as envelopes (bulk reads stay encrypted)', async () => {
    const [page] = await allPages(10, 'player');

    for (const entity of page!) {
      expect(entity.data.first_name).toMatch(ENVELOPE);
      expect(entity.data.email).toMatch(ENVELOPE);
      expect(entity.data.country).toBe('GB');
    }
  });
});
