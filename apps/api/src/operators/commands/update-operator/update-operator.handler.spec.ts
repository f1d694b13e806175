import { operatorStream } from '@onehazel/domain';
import { Collections, OperatorView } from '@onehazel/projections';
import {
  allDataKeys,
  contextOf,
  ENVELOPE,
  eventsOf,
  HandlerRuntime,
  openHandlerRuntime,
  platformActor,
  platformWithOperator,
  registerPlatform,
  textOf,
} from '../../../testing/handler.spec-helper';
import { UpdateOperatorCommand } from './update-operator.command';
import { UpdateOperatorHandler } from './update-operator.handler';

describe('UpdateOperatorHandler', () => {
  let rt: HandlerRuntime;
  let handler: UpdateOperatorHandler;
  let platformId: string;
  let operatorId: string;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new UpdateOperatorHandler(rt.commands, rt.cipher);
    ({ platformId, operatorId } = await platformWithOperator(rt, { contactEmail: 'old@lucky.example' }));
  });
  afterEach(() => rt.close());

  const update = (changes: ConstructorParameters<typeof UpdateOperatorCommand>[2], status?: 'active' | 'suspended', by = platformId) =>
    handler.execute(new UpdateOperatorCommand(by, operatorId, changes, status, contextOf(platformActor(by))));

  it('records no change when the same contact e-mail is sent again (envelopes differ, the address does not)', async () => {
    await update({ contactEmail: 'old@lucky.example' });

    expect((await eventsOf(rt, operatorStream(operatorId))).map((e) => e.type)).toEqual(['OperatorCreated']);
  });

  it('records only the fields that changed when the same e-mail comes with other changes', async () => {
    await update({ contactEmail: 'old@lucky.example', name: 'Lucky Spin' });

    const [, updated] = await eventsOf(rt, operatorStream(operatorId));
    expect(updated).toMatchObject({ type: 'OperatorUpdated', data: { operatorId, changes: { name: 'Lucky Spin' } } });
    expect(Object.keys(updated!.data.changes as object)).toEqual(['name']);
  });

  it('seals a new contact e-mail before recording it', async () => {
    await update({ contactEmail: 'new@lucky.example' });

    const events = await eventsOf(rt, operatorStream(operatorId));
    const updated = events[1]!;
    const sealed = (updated.data.changes as { contactEmail: string }).contactEmail;
    expect(updated.type).toBe('OperatorUpdated');
    expect(sealed).toMatch(ENVELOPE);
    expect(textOf(events)).not.toContain('new@lucky.example');
    await expect(rt.cipher.openOperatorContact(operatorId, sealed)).resolves.toBe('new@lucky.example');
    const view = (await rt.stores.read.get(Collections.operators, operatorId)) as OperatorView;
    await expect(rt.cipher.revealOperator(view)).resolves.toMatchObject({ contactEmail: 'new@lucky.example' });
  });

  it('suspends and reactivates through the status, the read model following before it answers', async () => {
    await update({}, 'suspended');
    expect(await rt.stores.read.get(Collections.operators, operatorId)).toMatchObject({ status: 'suspended' });

    await update({}, 'active');
    expect(await rt.stores.read.get(Collections.operators, operatorId)).toMatchObject({ status: 'active' });
    expect((await eventsOf(rt, operatorStream(operatorId))).map((e) => e.type)).toEqual(['OperatorCreated', 'OperatorSuspended', 'OperatorReactivated']);
  });

  it("answers OPERATOR_NOT_FOUND for another platform's operator and records nothing", async () => {
    const other = await registerPlatform(rt, 'Other Platform');

    await expect(update({ name: 'Taken over', contactEmail: 'evil@example.com' }, undefined, other)).rejects.toMatchObject({ code: 'OPERATOR_NOT_FOUND' });
    expect(await eventsOf(rt, operatorStream(operatorId))).toHaveLength(1);
  });

  it('creates no data key for an operator that does not exist', async () => {
    const unknown = 'op_0123456789abcdef';

    await expect(
      handler.execute(new UpdateOperatorCommand(platformId, unknown, { contactEmail: 'x@example.com' }, undefined, contextOf(platformActor(platformId)))),
    ).rejects.toMatchObject({ code: 'OPERATOR_NOT_FOUND' });
    expect((await allDataKeys(rt)).filter((key) => key.operatorId === unknown)).toEqual([]);
  });
});
