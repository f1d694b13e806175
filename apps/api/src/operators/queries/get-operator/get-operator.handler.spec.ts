import {
  createOperator,
  HandlerRuntime,
  openHandlerRuntime,
  platformWithOperator,
  registerPlatform,
} from '../../../testing/handler.spec-helper';
import { GetOperatorHandler } from './get-operator.handler';
import { GetOperatorQuery } from './get-operator.query';

describe('GetOperatorHandler', () => {
  let rt: HandlerRuntime;
  let handler: GetOperatorHandler;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new GetOperatorHandler(rt.stores.read, rt.cipher);
  });
  afterEach(() => rt.close());

  it('answers the platform its operator, the contact e-mail decrypted', async () => {
    const { platformId, operatorId } = await platformWithOperator(rt, { name: 'Golden Reels', contactEmail: 'cto@golden.example' });

    await expect(handler.execute(new GetOperatorQuery(platformId, operatorId))).resolves.toMatchObject({
      id: operatorId,
      platformId,
      name: 'Golden Reels',
      contactEmail: 'cto@golden.example',
      status: 'active',
    });
  });

  it("answers OPERATOR_NOT_FOUND for another platform's operator, as for one that does not exist", async () => {
    const { operatorId } = await platformWithOperator(rt);
    const other = await registerPlatform(rt, 'Other Platform');
    await createOperator(rt, other);

    await expect(handler.execute(new GetOperatorQuery(other, operatorId))).rejects.toMatchObject({ code: 'OPERATOR_NOT_FOUND' });
    await expect(handler.execute(new GetOperatorQuery(other, 'op_0123456789abcdef'))).rejects.toMatchObject({ code: 'OPERATOR_NOT_FOUND' });
  });

  it('does not look up what is not an operator id (a platform id, a bare prefix, a path)', async () => {
    const { platformId } = await platformWithOperator(rt);
    const reads = jest.spyOn(rt.stores.read, 'get');

    for (const id of [platformId, 'op_', '../operators/op_0123456789abcdef']) {
      await expect(handler.execute(new GetOperatorQuery(platformId, id))).rejects.toMatchObject({ code: 'OPERATOR_NOT_FOUND' });
    }
    expect(reads).not.toHaveBeenCalled();
  });

  it('answers DATA_UNREADABLE, never the envelope, when the contact e-mail cannot be opened', async () => {
    const { platformId, operatorId } = await platformWithOperator(rt);
    await rt.keyring.destroy(operatorId, 'profile');

    await expect(handler.execute(new GetOperatorQuery(platformId, operatorId))).rejects.toMatchObject({ code: 'DATA_UNREADABLE' });
  });
});
