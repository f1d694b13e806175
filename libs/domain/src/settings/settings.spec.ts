import { given } from '../shared/given-when-then.spec-helper';
import { settingsDecider } from './settings';
import { IGAMING_TEMPLATE, resolveTemplate, Template, templateProblems } from './template';

const at = '2026-04-06T12:00:00.000Z';
const custom: Template = {
  name: 'lottery',
  entity_types: {
    ticket_holder: {
      fields: { email: { type: 'email' }, tickets: { type: 'integer' } },
      required: ['email'],
      pii_fields: ['email'],
    },
  },
};

describe('templates', () => {
  it('resolves the built-in igaming template with the player PII of seed 001', () => {
    const template = resolveTemplate('igaming');
    expect(template).toBe(IGAMING_TEMPLATE);
    expect(template.entity_types.player!.pii_fields).toEqual(['first_name', 'last_name', 'email', 'phone', 'date_of_birth']);
    expect(Object.keys(template.entity_types)).toEqual(['player', 'game']);
  });

  it('refuses an unknown built-in name', () => {
    expect(() => resolveTemplate('poker')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('accepts a sound custom template, keeping only what a template has', () => {
    const sent = { ...custom, owner: 'me', entity_types: { ticket_holder: { ...custom.entity_types.ticket_holder!, note: 'x' } } };
    expect(resolveTemplate(sent as unknown as Template)).toEqual({ ...custom, event_pii_fields: [] });
  });

  it('lists every problem of an unsound custom template by path', () => {
    const broken = {
      name: 'Bad Name',
      entity_types: {
        player: { fields: { email: { type: 'text' } }, required: ['email', 'age'], pii_fields: ['phone'] },
        empty: { fields: {}, required: [], pii_fields: [] },
      },
    } as unknown as Template;
    expect(templateProblems(broken).map((p) => p.field)).toEqual([
      'template.name',
      'template.entity_types.player.fields.email.type',
      'template.entity_types.player.required',
      'template.entity_types.player.pii_fields',
      'template.entity_types.empty.fields',
    ]);
  });
});

describe('template names', () => {
  const spec = { fields: { known: { type: 'string' } }, required: [], pii_fields: [] } as const;
  const withTypes = (entity_types: object) => ({ name: 'walk', entity_types }) as unknown as Template;

  it('takes constructor and prototype as entity type and field names like any other', () => {
    const names = { fields: { constructor: { type: 'string' }, prototype: { type: 'integer' } }, required: ['constructor'], pii_fields: ['prototype'] };
    const template = resolveTemplate(withTypes({ constructor: spec, prototype: names }));
    expect(Object.keys(template.entity_types)).toEqual(['constructor', 'prototype']);
    expect(template.entity_types.prototype).toEqual({ ...names, fields: { constructor: { type: 'string' }, prototype: { type: 'integer' } } });
  });

  it('refuses a required or personal field that only Object.prototype has', () => {
    const inherited = { ...spec, required: ['toString'], pii_fields: ['constructor'] };
    expect(templateProblems(withTypes({ thing: inherited })).map((p) => p.field)).toEqual([
      'template.entity_types.thing.required',
      'template.entity_types.thing.pii_fields',
    ]);
  });

  it('refuses __proto__ and mixed-case names, naming them', () => {
    const types = JSON.parse('{"__proto__": {"fields": {"a": {"type": "string"}}, "required": [], "pii_fields": []}}') as object;
    expect(templateProblems(withTypes(types)).map((p) => p.field)).toEqual(['template.entity_types.__proto__']);
    expect(templateProblems(withTypes({ toString: spec })).map((p) => p.field)).toEqual(['template.entity_types.toString']);
  });

  it('takes allow_extra_fields as a boolean, and keeps it only when true', () => {
    expect(resolveTemplate(withTypes({ thing: { ...spec, allow_extra_fields: true } })).entity_types.thing).toEqual({ ...spec, allow_extra_fields: true });
    expect(resolveTemplate(withTypes({ thing: { ...spec, allow_extra_fields: false } })).entity_types.thing).toEqual(spec);
    expect(templateProblems(withTypes({ thing: { ...spec, allow_extra_fields: 'yes' } })).map((p) => p.field)).toEqual([
      'template.entity_types.thing.allow_extra_fields',
    ]);
  });

  it('knows built-in templates by own name only', () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      expect(() => resolveTemplate(name)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
  });
});

describe('settings decider', () => {
  it('configures a template', () => {
    given(settingsDecider, [])
      .when({ type: 'ConfigureTemplate', operatorId: 'op_1', template: IGAMING_TEMPLATE, at })
      .then([{ type: 'TemplateConfigured', data: { operatorId: 'op_1', template: IGAMING_TEMPLATE, configuredAt: at } }]);
  });

  it('records nothing for the same template again, and a change for another', () => {
    const configured = { type: 'TemplateConfigured' as const, data: { operatorId: 'op_1', template: IGAMING_TEMPLATE, configuredAt: at } };
    given(settingsDecider, [configured]).when({ type: 'ConfigureTemplate', operatorId: 'op_1', template: IGAMING_TEMPLATE, at }).then([]);
    given(settingsDecider, [configured])
      .when({ type: 'ConfigureTemplate', operatorId: 'op_1', template: custom, at })
      .then([{ type: 'TemplateConfigured', data: { operatorId: 'op_1', template: custom, configuredAt: at } }]);
  });
});
