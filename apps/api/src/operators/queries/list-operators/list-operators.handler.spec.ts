import { commandScopedId } from '@onehazel/crypto';
import { OperatorView } from '@onehazel/projections';
import {
  commandIdsWithDescendingIds,
  contextOf,
  createOperator,
  HandlerRuntime,
  openHandlerRuntime,
  pagesOf,
  platformActor,
  registerPlatform,
} from '../../../testing/handler.spec-helper';
import { SuspendOperatorCommand } from '../../commands/suspend-operator/suspend-operator.command';
import { SuspendOperatorHandler } from '../../commands/suspend-operator/suspend-operator.handler';
import { ListOperatorsHandler } from './list-operators.handler';
import { ListOperatorsQuery } from './list-operators.query';

describe('ListOperatorsHandler', () => {
  let rt: HandlerRuntime;
  let handler: ListOperatorsHandler;
  let platformId: string;
  let otherPlatformId: string;
  /** The platform's operators in creation order (their ids sort the other way round). */
  let mine: string[];
  let suspended: Set<string>;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new ListOperatorsHandler(rt.stores.read, rt.cipher);
    platformId = await registerPlatform(rt, 'Mine');
    otherPlatformId = await registerPlatform(rt, 'Other');
    const commandIds = commandIdsWithDescendingIds(5, (commandId) => commandScopedId(commandId, 'op_'));
    mine = [];
    for (const [index, commandId] of commandIds.entries()) {
      mine.push(await createOperator(rt, platformId, { name: `Operator ${index}`, contactEmail: `ops${index}@mine.example` }, { commandId }));
      // Another platform's operators, created in between: never listed.
      await createOperator(rt, otherPlatformId, { name: `Foreign ${index}` });
    }
    suspended = new Set([mine[1]!, mine[3]!]);
    const suspend = new SuspendOperatorHandler(rt.commands);
    for (const operatorId of [mine[3]!, mine[1]!]) {
      await suspend.execute(new SuspendOperatorCommand(platformId, operatorId, contextOf(platformActor(platformId))));
    }
  });
  afterEach(() => rt.close());

  /** Every page of the list, followed cursor by cursor. */
  async function allPages(limit: number, status?: 'active' | 'suspended'): Promise<OperatorView[][]> {
    return pagesOf((cursor) => handler.execute(new ListOperatorsQuery(platformId, limit, cursor, status)));
  }

  it("lists the platform's operators in creation order, two a page, never another platform's", async () => {
    const pages = await allPages(2);

    expect(pages.map((page) => page.map((operator) => operator.id))).toEqual([[mine[0], mine[1]], [mine[2], mine[3]], [mine[4]]]);
    expect(pages.flat().every((operator) => operator.platformId === platformId)).toBe(true);
  });

  it('decrypts the contact e-mails of the page', async () => {
    const [first] = await allPages(5);

    expect(first!.map((operator) => operator.contactEmail)).toEqual(['ops0@mine.example', 'ops1@mine.example', 'ops2@mine.example', 'ops3@mine.example', 'ops4@mine.example']);
  });

  it('lists only the operators of the status asked for, in creation order', async () => {
    const active = (await allPages(1, 'active')).flat().map((operator) => operator.id);
    const suspendedOnes = (await allPages(1, 'suspended')).flat().map((operator) => operator.id);

    expect(active).toEqual(mine.filter((id) => !suspended.has(id)));
    expect(suspendedOnes).toEqual([mine[1], mine[3]]);
  });

  it('answers an empty last page without a cursor', async () => {
    const page = await handler.execute(new ListOperatorsQuery(await registerPlatform(rt, 'Empty'), 10, undefined, undefined));

    expect(page).toEqual({ items: [], nextCursor: null });
  });

  it('refuses a cursor it did not make with VALIDATION_FAILED', async () => {
    await expect(handler.execute(new ListOperatorsQuery(platformId, 2, 'not-a-cursor', undefined))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
