import { commandScopedId } from '@onehazel/crypto';
import { EntityEventView } from '@onehazel/projections';
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
import { EraseEntityCommand } from '../../../entities/commands/erase-entity/erase-entity.command';
import { EraseEntityHandler } from '../../../entities/commands/erase-entity/erase-entity.handler';
import { RecordActivityCommand } from '../../commands/record-activity/record-activity.command';
import { RecordActivityHandler } from '../../commands/record-activity/record-activity.handler';
import { ListEntityEventsHandler } from './list-entity-events.handler';
import { ListEntityEventsQuery } from './list-entity-events.query';

describe('ListEntityEventsHandler', () => {
  let rt: HandlerRuntime;
  let handler: ListEntityEventsHandler;
  let operator: Awaited<ReturnType<typeof igamingOperator>>;
  let other: Awaited<ReturnType<typeof igamingOperator>>;
  /** player_1's events in the order they were recorded (their ids sort the other way round). */
  let recorded: string[];

  const record = (of: { operatorId: string; keyId: string }, externalId: string, eventType: string, data: Record<string, unknown>, commandId?: string) =>
    new RecordActivityHandler(rt.commands, rt.cipher).execute(
      new RecordActivityCommand(of.operatorId, externalId, eventType, '2026-04-06T10:30:00.000Z', data, contextOf(keyActor(of.keyId), undefined, { commandId })),
    );

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new ListEntityEventsHandler(rt.stores.read, rt.cipher);
    operator = await igamingOperator(rt);
    other = await igamingOperator(rt);
    await upsertEntity(rt, operator, 'player_1');
    await upsertEntity(rt, operator, 'player_2');
    await upsertEntity(rt, other, 'player_1');
    recorded = [];
    for (const [index, commandId] of commandIdsWithDescendingIds(5, (id) => commandScopedId(id, 'evt_')).entries()) {
      recorded.push((await record(operator, 'player_1', index % 2 ? 'bet' : 'deposit', { amount: index, ip_address: `203.0.113.${index}` }, commandId)).id);
      // Another entity's events, and another operator's entity of the same externalId: never listed.
      await record(operator, 'player_2', 'deposit', { amount: 100 });
      await record(other, 'player_1', 'deposit', { amount: 1000 });
    }
  });
  afterEach(() => rt.close());

  async function allPages(limit: number, of = operator, externalId = 'player_1'): Promise<EntityEventView[][]> {
    return pagesOf((cursor) => handler.execute(new ListEntityEventsQuery(of.operatorId, externalId, limit, cursor)));
  }

  it("lists the entity's events in the order they were recorded, two a page, and no other entity's", async () => {
    const pages = await allPages(2);

    expect(pages.map((page) => page.map((event) => event.id))).toEqual([recorded.slice(0, 2), recorded.slice(2, 4), recorded.slice(4)]);
    expect(pages.flat().map((event) => event.data.amount)).toEqual([0, 1, 2, 3, 4]);
  });

  it('leaves personal fields as envelopes', async () => {
    const [page] = await allPages(10);

    for (const event of page!) expect(event.data.ip_address).toMatch(ENVELOPE);
  });

  it('answers ENTITY_NOT_FOUND for an unknown externalId and for an erased entity', async () => {
    await new EraseEntityHandler(rt.commands, rt.cipher, rt.stores.requests).execute(
      new EraseEntityCommand(operator.operatorId, 'player_2', contextOf(keyActor(operator.keyId))),
    );

    await expect(handler.execute(new ListEntityEventsQuery(operator.operatorId, 'nobody', 10, undefined))).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    await expect(handler.execute(new ListEntityEventsQuery(operator.operatorId, 'player_2', 10, undefined))).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
  });

  it('answers an empty page for a live entity without events', async () => {
    await upsertEntity(rt, operator, 'player_quiet');

    await expect(handler.execute(new ListEntityEventsQuery(operator.operatorId, 'player_quiet', 10, undefined))).resolves.toEqual({ items: [], nextCursor: null });
  });
});
