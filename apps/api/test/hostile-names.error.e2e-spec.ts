import { EVENT_TYPE } from '@onehazel/domain';
import { call, operatorWithKey, Reply, startTestApp, TestApp } from './harness';

/**
 * Names that JavaScript objects already have, walked through every place a user names something:
 * template entity types, template fields, personal fields, entity data fields, activity event types,
 * activity event fields and event personal fields. Each name either round-trips intact (upsert, GET,
 * list, /state, the activity list) or is refused with 400 VALIDATION_FAILED naming it: never a 500,
 * never silently dropped.
 */
const NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype', 'constructor'])];

const ENTITIES = '/operator-data-api/entities';
/** The rule for names in templates (entity types, fields, personal fields): see templateProblems. */
const TEMPLATE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Refused, naming the field. `__proto__` as a key of a JSON body is refused by the body parser itself,
 * before any handler, naming the key: the one other field allowed, and only for it.
 */
function expectRefused(reply: Reply, name: string, field: string): void {
  expect(reply.status).toBe(400);
  expect(reply.body.error.code).toBe('VALIDATION_FAILED');
  const fields = reply.body.error.details.map((d: { field: string }) => d.field);
  expect(fields).toContain(name === '__proto__' && fields.includes('__proto__') ? '__proto__' : field);
}

/** The reply either succeeded with one of `statuses` (true) or refused the name (false); nothing else. */
function acceptedOrRefused(reply: Reply, name: string, field: string, statuses: number[]): boolean {
  expect(reply.status).not.toBe(500);
  if (statuses.includes(reply.status)) return true;
  expectRefused(reply, name, field);
  return false;
}

const template = (entityTypes: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  template: { name: 'walk', entity_types: Object.fromEntries(Object.entries(entityTypes)), ...extra },
});

describe.each(NAMES)('the name %p', (name) => {
  let t: TestApp;
  let key: string;
  const accepted: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    ({ key } = await operatorWithKey(t));
  });
  afterAll(async () => t.close());

  const put = (body: unknown) => call(t.url, 'PUT', '/operator-data-api/settings', { key, body });
  const upsert = (body: unknown) => call(t.url, 'POST', ENTITIES, { key, body });

  it('as an entity type: upserted, read and listed under that type, or refused', async () => {
    const spec = { fields: { known: { type: 'string' } }, required: [], pii_fields: [] };
    const configured = await put(template({ [name]: spec }));
    if (!acceptedOrRefused(configured, name, `template.entity_types.${name}`, [200])) return;
    accepted.push('entity type');
    expect(Object.keys(configured.body.data.template.entity_types)).toEqual([name]);
    const created = await upsert({ entityType: name, externalId: 'e1', data: { known: 'k' } });
    expect([created.status, created.body.data?.entityType]).toEqual([201, name]);
    const read = await call(t.url, 'GET', `${ENTITIES}/e1`, { key });
    expect([read.status, read.body.data.entity_type, read.body.data.data]).toEqual([200, name, { known: 'k' }]);
    const listed = await call(t.url, 'GET', `${ENTITIES}?entityType=${encodeURIComponent(name)}`, { key });
    expect(listed.body.data.map((e: { entity_type: string }) => e.entity_type)).toEqual([name]);
  });

  it('as a declared field, required and personal: sealed, decrypted on GET, enveloped in lists, or refused', async () => {
    const spec = { fields: { known: { type: 'string' }, [name]: { type: 'string' } }, required: [name], pii_fields: [name] };
    const configured = await put(template({ thing: spec }));
    if (!acceptedOrRefused(configured, name, `template.entity_types.thing.fields.${name}`, [200])) return;
    accepted.push('template field');
    expect(Object.keys(configured.body.data.template.entity_types.thing.fields)).toEqual(['known', name]);
    const missing = await upsert({ entityType: 'thing', externalId: 'e2', data: { known: 'k' } });
    expectRefused(missing, name, `data.${name}`);
    // The externalId is the name too: identifiers are never object keys either.
    const created = await upsert({ entityType: 'thing', externalId: name, data: { known: 'k', [name]: 'secret value' } });
    expect(created.status).toBe(201);
    const read = await call(t.url, 'GET', `${ENTITIES}/${encodeURIComponent(name)}`, { key });
    expect([read.status, read.body.data.external_id]).toEqual([200, name]);
    expect(Object.hasOwn(read.body.data.data, name) && read.body.data.data[name]).toBe('secret value');
    const listed = await call(t.url, 'GET', ENTITIES, { key });
    const stored = listed.body.data.find((e: { external_id: string }) => e.external_id === name);
    expect(stored.data[name]).toMatch(/^oh1\./);
  });

  it('as a field the template does not declare: refused by default, kept when the entity type allows extra fields', async () => {
    const closed = { fields: { known: { type: 'string' } }, required: [], pii_fields: [] };
    expect((await put(template({ thing: closed }))).status).toBe(200);
    expectRefused(await upsert({ entityType: 'thing', externalId: 'e3', data: { known: 'k', [name]: 'v' } }), name, `data.${name}`);
    expect((await call(t.url, 'GET', `${ENTITIES}/e3`, { key })).status).toBe(404);

    expect((await put(template({ thing: { ...closed, allow_extra_fields: true } }))).status).toBe(200);
    const created = await upsert({ entityType: 'thing', externalId: 'e3', data: { known: 'k', [name]: 'v' } });
    if (!acceptedOrRefused(created, name, `data.${name}`, [201])) return;
    accepted.push('extra data field');
    const read = await call(t.url, 'GET', `${ENTITIES}/e3`, { key });
    expect(read.body.data.data).toEqual(JSON.parse(JSON.stringify({ known: 'k', [name]: 'v' })));
    expect(Object.keys(read.body.data.data)).toEqual(['known', name]);
    const listed = await call(t.url, 'GET', ENTITIES, { key });
    const stored = listed.body.data.find((e: { external_id: string }) => e.external_id === 'e3');
    expect(Object.keys(stored.data)).toEqual(['known', name]);
  });

  describe('in activity events', () => {
    beforeAll(async () => {
      const open = { fields: { known: { type: 'string' } }, required: [], pii_fields: [] };
      expect((await put(template({ thing: open }))).status).toBe(200);
    });

    const record = (body: unknown) => call(t.url, 'POST', '/operator-data-api/events', { key, body });

    it('as an event type: counted in /state under that type, listed, or refused', async () => {
      expect((await upsert({ entityType: 'thing', externalId: 'e4', data: { known: 'k' } })).status).toBe(201);
      const recorded = await record({ externalId: 'e4', eventType: name, data: { amount: 5 } });
      if (!acceptedOrRefused(recorded, name, 'eventType', [201])) return;
      accepted.push('event type');
      await record({ externalId: 'e4', eventType: name, data: { amount: 2 } });
      const state = await call(t.url, 'GET', `${ENTITIES}/e4/state`, { key });
      expect(state.body.data.event_count).toBe(2);
      expect(Object.keys(state.body.data.by_type)).toEqual([name]);
      expect(state.body.data.by_type[name]).toEqual({ count: 2, sums: { amount: 7 } });
      const events = await call(t.url, 'GET', `${ENTITIES}/e4/events`, { key });
      expect(events.body.data.map((e: { event_type: string }) => e.event_type)).toEqual([name, name]);
    });

    it('as an event field: listed, summed in /state, or refused', async () => {
      expect((await upsert({ entityType: 'thing', externalId: 'e5', data: { known: 'k' } })).status).toBe(201);
      const recorded = await record({ externalId: 'e5', eventType: 'deposit', data: { [name]: 3 } });
      if (!acceptedOrRefused(recorded, name, `data.${name}`, [201])) return;
      accepted.push('event field');
      await record({ externalId: 'e5', eventType: 'deposit', data: { [name]: 4 } });
      const events = await call(t.url, 'GET', `${ENTITIES}/e5/events`, { key });
      expect(events.body.data.map((e: { data: object }) => Object.entries(e.data))).toEqual([[[name, 3]], [[name, 4]]]);
      const state = await call(t.url, 'GET', `${ENTITIES}/e5/state`, { key });
      expect(Object.entries(state.body.data.by_type.deposit.sums)).toEqual([[name, 7]]);
    });

    it('as an event personal field: sealed in the activity list, or refused', async () => {
      const open = { fields: { known: { type: 'string' } }, required: [], pii_fields: [] };
      const configured = await put(template({ thing: open }, { event_pii_fields: [name] }));
      if (!acceptedOrRefused(configured, name, 'template.event_pii_fields', [200])) return;
      accepted.push('event personal field');
      expect((await upsert({ entityType: 'thing', externalId: 'e6', data: { known: 'k' } })).status).toBe(201);
      expect((await record({ externalId: 'e6', eventType: 'login', data: { [name]: '203.0.113.7' } })).status).toBe(201);
      const events = await call(t.url, 'GET', `${ENTITIES}/e6/events`, { key });
      expect(Object.keys(events.body.data[0].data)).toEqual([name]);
      expect(events.body.data[0].data[name]).toMatch(/^oh1\./);
    });
  });

  it('was refused only where the naming rules refuse it (so the walk above is not vacuous)', () => {
    const templateName = TEMPLATE_NAME.test(name);
    const dataName = name !== '__proto__';
    const expected = [
      ...(templateName ? ['entity type', 'template field'] : []),
      ...(dataName ? ['extra data field'] : []),
      ...(EVENT_TYPE.test(name) ? ['event type'] : []),
      ...(dataName ? ['event field'] : []),
      ...(templateName ? ['event personal field'] : []),
    ];
    expect(accepted).toEqual(expected);
  });
});
