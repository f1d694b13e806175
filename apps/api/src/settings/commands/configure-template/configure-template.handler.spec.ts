import { IGAMING_TEMPLATE, settingsStream, Template } from '@onehazel/domain';
import { Collections } from '@onehazel/projections';
import { contextOf, eventsOf, HandlerRuntime, keyActor, openHandlerRuntime, operatorWithKey, typesOf } from '../../../testing/handler.spec-helper';
import { ConfigureTemplateCommand } from './configure-template.command';
import { ConfigureTemplateHandler } from './configure-template.handler';

const SHOP: Template = {
  name: 'shop',
  entity_types: { customer: { fields: { email: { type: 'email' } }, required: ['email'], pii_fields: ['email'] } },
  event_pii_fields: [],
};

describe('ConfigureTemplateHandler', () => {
  let rt: HandlerRuntime;
  let handler: ConfigureTemplateHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new ConfigureTemplateHandler(rt.commands);
    operator = await operatorWithKey(rt);
  });
  afterEach(() => rt.close());

  const configure = (template: Template, at: string) =>
    handler.execute(new ConfigureTemplateCommand(operator.operatorId, template, contextOf(keyActor(operator.keyId), undefined, { at })));

  it('records TemplateConfigured and answers the template with when it was configured, the read model following', async () => {
    const answer = await configure(IGAMING_TEMPLATE, '2026-04-06T10:30:00.000Z');

    expect(answer).toEqual({ template: IGAMING_TEMPLATE, configuredAt: '2026-04-06T10:30:00.000Z' });
    expect(await eventsOf(rt, settingsStream(operator.operatorId))).toMatchObject([
      { type: 'TemplateConfigured', data: { operatorId: operator.operatorId, template: IGAMING_TEMPLATE, configuredAt: '2026-04-06T10:30:00.000Z' } },
    ]);
    expect(await rt.stores.read.get(Collections.operatorSettings, operator.operatorId)).toMatchObject({ template: IGAMING_TEMPLATE });
  });

  it('records nothing for the same template again, and answers when it was configured first', async () => {
    await configure(IGAMING_TEMPLATE, '2026-04-06T10:30:00.000Z');

    const again = await configure(IGAMING_TEMPLATE, '2026-04-07T09:00:00.000Z');

    expect(again).toEqual({ template: IGAMING_TEMPLATE, configuredAt: '2026-04-06T10:30:00.000Z' });
    expect(await typesOf(rt, settingsStream(operator.operatorId))).toEqual(['TemplateConfigured']);
  });

  it('replaces the template with another one', async () => {
    await configure(IGAMING_TEMPLATE, '2026-04-06T10:30:00.000Z');

    const replaced = await configure(SHOP, '2026-04-07T09:00:00.000Z');

    expect(replaced).toEqual({ template: SHOP, configuredAt: '2026-04-07T09:00:00.000Z' });
    expect(await typesOf(rt, settingsStream(operator.operatorId))).toEqual(['TemplateConfigured', 'TemplateConfigured']);
    expect(await rt.stores.read.get(Collections.operatorSettings, operator.operatorId)).toMatchObject({ template: SHOP });
  });
});
