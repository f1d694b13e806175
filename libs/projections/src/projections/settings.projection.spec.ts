import type { Template } from '@onehazel/domain';
import { IGAMING_TEMPLATE } from '@onehazel/domain';
import { ProjectionSpec } from '../projection.spec-helper';
import { Collections, OperatorSettingsView } from './read-models';

const custom: Template = {
  name: 'lottery',
  entity_types: {
    ticket: { fields: { number: { type: 'string' }, owner_email: { type: 'email' } }, required: ['number'], pii_fields: ['owner_email'] },
  },
};

/** Given these events, then this read model: each operator's configured template. */
describe('settings projection', () => {
  let spec: ProjectionSpec;
  const settings = (operatorId: string) => spec.get<OperatorSettingsView>(Collections.operatorSettings, operatorId);

  beforeEach(async () => {
    spec = await ProjectionSpec.start();
  });

  it('has no settings for an operator that configured no template', async () => {
    await spec.given({ type: 'OperatorCreated', data: { operatorId: 'op_1', platformId: 'p', name: 'n', plan: 'starter', contactEmail: 'e', industry: null, createdAt: 't' } });
    expect(await settings('op_1')).toBeNull();
  });

  it('stores the configured template, then replaces it whole, per operator', async () => {
    await spec.given(
      { type: 'TemplateConfigured', data: { operatorId: 'op_1', template: IGAMING_TEMPLATE, configuredAt: 't1' } },
      { type: 'TemplateConfigured', data: { operatorId: 'op_2', template: IGAMING_TEMPLATE, configuredAt: 't1' } },
    );
    expect(await settings('op_1')).toEqual({ id: 'op_1', template: IGAMING_TEMPLATE, configuredAt: 't1' });

    await spec.given({ type: 'TemplateConfigured', data: { operatorId: 'op_1', template: custom, configuredAt: 't2' } });
    // Replaced, not merged: nothing of the igaming template (its player and game types) is left.
    expect(await settings('op_1')).toEqual({ id: 'op_1', template: custom, configuredAt: 't2' });
    expect(await settings('op_2')).toEqual({ id: 'op_2', template: IGAMING_TEMPLATE, configuredAt: 't1' });
  });

  it('keeps the last of several templates configured in one batch', async () => {
    await spec.givenOneBatch(
      { type: 'TemplateConfigured', data: { operatorId: 'op_1', template: custom, configuredAt: 't1' } },
      { type: 'TemplateConfigured', data: { operatorId: 'op_1', template: IGAMING_TEMPLATE, configuredAt: 't2' } },
    );
    expect(await settings('op_1')).toEqual({ id: 'op_1', template: IGAMING_TEMPLATE, configuredAt: 't2' });
  });
});
