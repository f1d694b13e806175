import { call, operatorWithKey, startTestApp, TestApp } from './harness';

const player = (data: Record<string, unknown> = {}) => ({
  entityType: 'player',
  externalId: 'player_1',
  data: { first_name: 'A', last_name: 'B', email: 'a@example.com', country: 'GB', currency: 'GBP', ...data },
});

describe('Operator data API (seed 001), errors', () => {
  let t: TestApp;
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ key } = await operatorWithKey(t));
    ({ key: otherKey } = await operatorWithKey(t));
  });
  afterAll(async () => t.close());

  const count = async (k = key) => (await call(t.url, 'GET', '/operator-data-api/entities?limit=100', { key: k })).body.data.length;

  it('answers 400 TEMPLATE_NOT_CONFIGURED before a template is set, on write and on GET /settings', async () => {
    const reply = await call(t.url, 'POST', '/operator-data-api/entities', { key: otherKey, body: player() });
    expect([reply.status, reply.body.error.code]).toEqual([400, 'TEMPLATE_NOT_CONFIGURED']);
    expect(reply.body.error.message).toMatch(/PUT \/operator-data-api\/settings/);
    const settings = await call(t.url, 'GET', '/operator-data-api/settings', { key: otherKey });
    expect([settings.status, settings.body.error.code]).toEqual([400, 'TEMPLATE_NOT_CONFIGURED']);
  });

  describe('with the igaming template', () => {
    beforeAll(async () => {
      await call(t.url, 'PUT', '/operator-data-api/settings', { key, body: { template: 'igaming' } });
    });

    it.each([
      ['entityType', { externalId: 'x', data: {} }],
      ['externalId', { entityType: 'player', data: {} }],
      ['data', { entityType: 'player', externalId: 'x' }],
    ])('answers a missing %s with 400 MISSING_FIELDS, nothing stored', async (field, body) => {
      const before = await count();
      const reply = await call(t.url, 'POST', '/operator-data-api/entities', { key, body });
      expect([reply.status, reply.body.error.code, reply.body.error.message]).toEqual([400, 'MISSING_FIELDS', 'entityType, externalId, or data is missing']);
      expect(reply.body.error.details).toEqual([{ field, problems: [`${field} is required`] }]);
      expect(await count()).toBe(before);
    });

    it('answers data that does not match the template with 400 VALIDATION_FAILED, each field’s problem in details', async () => {
      const reply = await call(t.url, 'POST', '/operator-data-api/entities', {
        key,
        body: player({ email: 'not-an-email', date_of_birth: '15/03/1992', last_name: 42, first_name: undefined }),
      });
      expect([reply.status, reply.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      const byField = Object.fromEntries(reply.body.error.details.map((d: { field: string; problems: string[] }) => [d.field, d.problems]));
      expect(Object.keys(byField).sort()).toEqual(['data.date_of_birth', 'data.email', 'data.first_name', 'data.last_name']);
      expect(byField['data.first_name']).toEqual(['is required']);
      expect(byField['data.email'][0]).toMatch(/format "email"/);
      expect(await count()).toBe(0);
    });

    it('answers null for a required top-level field as missing, and an inherited property name as an unknown type', async () => {
      const nullId = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: { ...player(), externalId: null } });
      expect([nullId.status, nullId.body.error.code]).toEqual([400, 'MISSING_FIELDS']);
      for (const entityType of ['constructor', '__proto__', 'toString']) {
        const reply = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: { ...player(), entityType } });
        expect([entityType, reply.status, reply.body.error.code]).toEqual([entityType, 400, 'VALIDATION_FAILED']);
      }
    });

    it('answers an entity type the template does not have, and a data that is not an object, with VALIDATION_FAILED', async () => {
      const unknownType = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: { ...player(), entityType: 'bonus' } });
      expect([unknownType.status, unknownType.body.error.details[0].field]).toEqual([400, 'entityType']);
      const notObject = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: { ...player(), data: 'x' } });
      expect([notObject.status, notObject.body.error.code, notObject.body.error.details[0].field]).toEqual([400, 'VALIDATION_FAILED', 'data']);
      const unknownField = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: { ...player(), owner: 'me' } });
      expect([unknownField.status, unknownField.body.error.details[0].field]).toEqual([400, 'owner']);
    });

    it('answers an unknown externalId with 404 ENTITY_NOT_FOUND on read and on delete', async () => {
      for (const method of ['GET', 'DELETE']) {
        const reply = await call(t.url, method, '/operator-data-api/entities/nobody', { key });
        expect([method, reply.status, reply.body.error.code]).toEqual([method, 404, 'ENTITY_NOT_FOUND']);
      }
    });

    it("keeps operators apart: another operator's entity is 404, and its list is its own", async () => {
      await call(t.url, 'POST', '/operator-data-api/entities', { key, body: player({}) });
      await call(t.url, 'PUT', '/operator-data-api/settings', { key: otherKey, body: { template: 'igaming' } });
      expect((await call(t.url, 'GET', '/operator-data-api/entities/player_1', { key: otherKey })).status).toBe(404);
      expect((await call(t.url, 'DELETE', '/operator-data-api/entities/player_1', { key: otherKey })).status).toBe(404);
      expect(await count(otherKey)).toBe(0);
      expect((await call(t.url, 'GET', '/operator-data-api/entities/player_1', { key })).status).toBe(200);
    });

    it('answers 401 UNAUTHORIZED without a valid operator key, on every route', async () => {
      const { key: platformKey } = await t.registerPlatform();
      for (const [method, path, body] of [
        ['PUT', '/operator-data-api/settings', { template: 'igaming' }],
        ['GET', '/operator-data-api/settings'],
        ['POST', '/operator-data-api/entities', player()],
        ['GET', '/operator-data-api/entities'],
        ['GET', '/operator-data-api/entities/player_1'],
        ['DELETE', '/operator-data-api/entities/player_1'],
      ] as const) {
        for (const token of [undefined, 'oh_live_nope', platformKey]) {
          const reply = await call(t.url, method, path, { key: token, body });
          expect([method, path, reply.status, reply.body.error]).toEqual([method, path, 401, { code: 'UNAUTHORIZED', message: 'Missing or invalid API key' }]);
        }
      }
      expect((await call(t.url, 'GET', '/operator-data-api/entities/player_1', { key })).status).toBe(200);
    });

    it('answers 500 INTERNAL_ERROR when the store fails, without the data in the answer or the logs', async () => {
      const events = t.app.runtime.stores.events;
      const append = events.append.bind(events);
      events.append = async () => {
        throw new Error('disk I/O error');
      };
      try {
        const reply = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: player({ email: 'secret.person@example.com' }) });
        expect([reply.status, reply.body.error]).toEqual([500, { code: 'INTERNAL_ERROR', message: 'Failed to save entity' }]);
        expect(t.logs.some((line) => line.includes('disk I/O error'))).toBe(true);
        expect(t.logs.some((line) => line.includes('secret.person@example.com'))).toBe(false);
      } finally {
        events.append = append;
      }
    });

    it('refuses a custom template with problems, listing each, and accepts a sound one that then validates and encrypts', async () => {
      const bad = await call(t.url, 'PUT', '/operator-data-api/settings', {
        key: otherKey,
        body: { template: { name: 'lottery', entity_types: { holder: { fields: { email: { type: 'mail' } }, required: ['age'], pii_fields: [] } } } },
      });
      expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual([
        'template.entity_types.holder.fields.email.type',
        'template.entity_types.holder.required',
      ]);
      const unknownBuiltIn = await call(t.url, 'PUT', '/operator-data-api/settings', { key: otherKey, body: { template: 'poker' } });
      expect([unknownBuiltIn.status, unknownBuiltIn.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      const good = await call(t.url, 'PUT', '/operator-data-api/settings', {
        key: otherKey,
        body: { template: { name: 'lottery', entity_types: { holder: { fields: { email: { type: 'email' }, tickets: { type: 'integer' } }, required: ['email'], pii_fields: ['email'] } } } },
      });
      expect(good.status).toBe(200);
      const invalid = await call(t.url, 'POST', '/operator-data-api/entities', { key: otherKey, body: { entityType: 'holder', externalId: 'h1', data: { email: 'h@example.com', tickets: 1.5 } } });
      expect([invalid.status, invalid.body.error.details[0].field]).toEqual([400, 'data.tickets']);
      const created = await call(t.url, 'POST', '/operator-data-api/entities', { key: otherKey, body: { entityType: 'holder', externalId: 'h1', data: { email: 'h@example.com', tickets: 3 } } });
      expect(created.status).toBe(201);
      const listed = await call(t.url, 'GET', '/operator-data-api/entities', { key: otherKey });
      expect(listed.body.data[0].data).toEqual({ email: expect.stringMatching(/^oh1\./), tickets: 3 });
      expect((await call(t.url, 'GET', '/operator-data-api/entities/h1', { key: otherKey })).body.data.data).toEqual({ email: 'h@example.com', tickets: 3 });
    });
  });
});
