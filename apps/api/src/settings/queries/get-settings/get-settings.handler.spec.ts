import { IGAMING_TEMPLATE } from '@onehazel/domain';
import { configureTemplate, HandlerRuntime, openHandlerRuntime, operatorWithKey } from '../../../testing/handler.spec-helper';
import { GetSettingsHandler } from './get-settings.handler';
import { GetSettingsQuery } from './get-settings.query';

describe('GetSettingsHandler', () => {
  let rt: HandlerRuntime;
  let handler: GetSettingsHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new GetSettingsHandler(rt.stores.read);
    operator = await operatorWithKey(rt);
  });
  afterEach(() => rt.close());

  it('answers TEMPLATE_NOT_CONFIGURED before the first template', async () => {
    await expect(handler.execute(new GetSettingsQuery(operator.operatorId))).rejects.toMatchObject({ code: 'TEMPLATE_NOT_CONFIGURED' });
  });

  it("answers the operator's template and when it was configured", async () => {
    const { configuredAt } = await configureTemplate(rt, operator.operatorId, operator.keyId);

    await expect(handler.execute(new GetSettingsQuery(operator.operatorId))).resolves.toEqual({ template: IGAMING_TEMPLATE, configuredAt });
  });

  it("never answers another operator's template", async () => {
    const other = await operatorWithKey(rt);
    await configureTemplate(rt, other.operatorId, other.keyId);

    await expect(handler.execute(new GetSettingsQuery(operator.operatorId))).rejects.toMatchObject({ code: 'TEMPLATE_NOT_CONFIGURED' });
  });
});
