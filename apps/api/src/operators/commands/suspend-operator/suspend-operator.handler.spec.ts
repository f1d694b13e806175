import { operatorStream } from '@onehazel/domain';
import { ApiKeyView, Collections } from '@onehazel/projections';
import {
  contextOf,
  HandlerRuntime,
  openHandlerRuntime,
  operatorWithKey,
  platformActor,
  registerPlatform,
  typesOf,
} from '../../../testing/handler.spec-helper';
import { SuspendOperatorCommand } from './suspend-operator.command';
import { SuspendOperatorHandler } from './suspend-operator.handler';

describe('SuspendOperatorHandler', () => {
  let rt: HandlerRuntime;
  let handler: SuspendOperatorHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new SuspendOperatorHandler(rt.commands);
    operator = await operatorWithKey(rt);
  });
  afterEach(() => rt.close());

  const suspend = (platformId = operator.platformId, operatorId = operator.operatorId) =>
    handler.execute(new SuspendOperatorCommand(platformId, operatorId, contextOf(platformActor(platformId))));

  it('records OperatorSuspended, and its keys are refused once it answers (the key read model says suspended)', async () => {
    await suspend();

    expect(await typesOf(rt, operatorStream(operator.operatorId))).toEqual(['OperatorCreated', 'OperatorSuspended']);
    expect(await rt.stores.read.get(Collections.operators, operator.operatorId)).toMatchObject({ status: 'suspended' });
    const key = (await rt.stores.read.get(Collections.apiKeys, operator.keyId)) as ApiKeyView;
    expect(key.operatorStatus).toBe('suspended');
  });

  it('changes nothing when the operator is already suspended', async () => {
    await suspend();
    await suspend();

    expect(await typesOf(rt, operatorStream(operator.operatorId))).toEqual(['OperatorCreated', 'OperatorSuspended']);
  });

  it("answers OPERATOR_NOT_FOUND for another platform's operator, and for one that does not exist", async () => {
    const other = await registerPlatform(rt, 'Other Platform');

    await expect(suspend(other)).rejects.toMatchObject({ code: 'OPERATOR_NOT_FOUND' });
    await expect(suspend(operator.platformId, 'op_0123456789abcdef')).rejects.toMatchObject({ code: 'OPERATOR_NOT_FOUND' });
    expect(await typesOf(rt, operatorStream(operator.operatorId))).toEqual(['OperatorCreated']);
    expect(await rt.stores.read.get(Collections.operators, operator.operatorId)).toMatchObject({ status: 'active' });
  });
});
