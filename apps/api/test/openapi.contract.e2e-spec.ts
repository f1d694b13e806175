import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { generateSecret } from '@onehazel/crypto';
import { IGAMING_TEMPLATE } from '@onehazel/domain';
import type { OpenAPIV3 } from 'openapi-types';
import { OpenApiContract, requestExamples } from './fixtures/openapi-contract';
import { call, gateAppends, igamingOperator, operatorInput, operatorWithKey, Reply, startTestApp, TestApp } from './harness';

/**
 * The OpenAPI document served at /openapi.json, held to what the API does: real traffic over every route
 * (successes and the usual errors), each reply checked against the document by a validator made for it
 * (see fixtures/openapi-contract.ts), and every request example of the document sent to the API.
 */

const SECRET = 'openapi-contract-secret-of-32-bytes-or-more';
const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';
/** Each operator token's cap of live child keys in these runs (OPERATOR_TOKEN_CHILDREN_MAX). */
const MAX_CHILDREN = 3;
/** An externalId the rule refuses: longer than 255 characters. */
const BAD_ID = 'x'.repeat(256);
const PLAYER = { first_name: 'James', last_name: 'Wilson', email: 'james.wilson@example.com', country: 'GB', currency: 'GBP' };

const session = (operatorId: string) =>
  new SignJWT({ operator_id: operatorId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('contract-user')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));

const deeplyNested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const manyEntries = (count: number): string => JSON.stringify({ name: 'Many', tags: Array.from({ length: count }, (_, i) => i) });

type Options = Parameters<typeof call>[3];

/** Sends through the contract and notes any reply whose status (or code) is not the one the scenario expects. */
function scenario(contract: OpenApiContract, base: () => string) {
  const surprises: string[] = [];
  const send = async (method: string, path: string, options: Options, expected: number | number[], code?: string): Promise<Reply> => {
    const reply = await contract.call(base(), method, path, options);
    const statuses = [expected].flat();
    if (!statuses.includes(reply.status) || (code !== undefined && reply.body?.error?.code !== code)) {
      surprises.push(`${method} ${path}: expected ${statuses.join('|')} ${code ?? ''}, got ${reply.status} ${JSON.stringify(reply.body)?.slice(0, 300)}`);
    }
    return reply;
  };
  return { send, surprises };
}

/** Runs a scenario; fails with every contract violation and every unexpected status it met. */
async function conforming(contract: OpenApiContract, base: () => string, run: (send: ReturnType<typeof scenario>['send']) => Promise<void>) {
  const before = contract.violations.length;
  const { send, surprises } = scenario(contract, base);
  await run(send);
  expect({ violations: contract.violations.slice(before), surprises }).toEqual({ violations: [], surprises: [] });
}

/** One contract for the whole file: every app below serves the same document, and coverage adds up across them. */
let shared: OpenApiContract | undefined;
let examplesSent = 0;
async function contractOf(url: string): Promise<OpenApiContract> {
  const reply = await call(url, 'GET', '/openapi.json');
  expect(reply.status).toBe(200);
  if (!shared) shared = new OpenApiContract(reply.body as OpenAPIV3.Document);
  else expect(reply.body).toEqual(shared.document);
  return shared;
}

afterAll(() => {
  // The figures the issue asks for, in the test's output.
  if (shared) {
    process.stdout.write(
      `OpenAPI contract: ${shared.calls} calls checked, ${shared.violations.length} violations, ${shared.routes.length} operations, ` +
        `${examplesSent} request examples sent\n`,
    );
  }
});

describe('the OpenAPI document against the running API', () => {
  let t: TestApp;
  let contract: OpenApiContract;
  const base = () => t.url;

  beforeAll(async () => {
    t = await startTestApp({ JWT_SECRET: SECRET, OPERATOR_TOKEN_CHILDREN_MAX: String(MAX_CHILDREN) });
    contract = await contractOf(t.url);
  });
  afterAll(async () => t.close());

  it('Platform API, operators: every success and usual error is documented as answered', async () => {
    const { key } = await t.registerPlatform();
    await conforming(contract, base, async (send) => {
      const path = '/platform-api/operators';
      await send('POST', path, { body: operatorInput() }, 401, 'UNAUTHORIZED');
      await send('POST', path, { key: 'oh_platform_not-a-key', body: operatorInput() }, 401, 'UNAUTHORIZED');
      await send('POST', path, { key, body: operatorInput({ contactEmail: 'not-an-email', extra: 1 }) }, 400, 'VALIDATION_FAILED');
      await send('POST', path, { key, rawBody: '{"name":' }, 400, 'INVALID_JSON');
      await send('POST', path, { key, rawBody: '', headers: { 'content-type': 'application/json' } }, 400, 'INVALID_JSON');
      await send('POST', path, { key, rawBody: deeplyNested(40) }, 400, 'NESTING_TOO_DEEP');
      await send('POST', path, { key, rawBody: '{"__proto__":{}}' }, 400, 'VALIDATION_FAILED');
      await send('POST', path, { key, rawBody: '[1]' }, 400, 'VALIDATION_FAILED');
      await send('POST', path, { key, rawBody: manyEntries(1200) }, 413, 'PAYLOAD_TOO_LARGE');
      await send('POST', path, { key, rawBody: JSON.stringify(operatorInput({ name: 'x'.repeat(1_100_000) })) }, 413, 'PAYLOAD_TOO_LARGE');
      await send('POST', path, { key, rawBody: 'name=x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('POST', path, { key, rawBody: '{}', headers: { 'content-type': 'application/json; charset=latin1' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('POST', path, { key, body: operatorInput(), headers: { 'idempotency-key': '"unterminated' } }, 400, 'VALIDATION_FAILED');

      const idem = { 'idempotency-key': 'contract-create-1' };
      const created = await send('POST', path, { key, body: operatorInput({ name: 'Idem' }), headers: idem }, 201);
      const replayed = await send('POST', path, { key, body: operatorInput({ name: 'Idem' }), headers: idem }, 201);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      await send('POST', path, { key, body: operatorInput({ name: 'Other' }), headers: idem }, 422, 'IDEMPOTENCY_KEY_REUSED');
      const gate = gateAppends(t.app.runtime.stores.events);
      const slow = { 'idempotency-key': 'contract-in-flight' };
      const first = contract.call(t.url, 'POST', path, { key, body: operatorInput({ name: 'Slow' }), headers: slow });
      try {
        await gate.entered;
        await send('POST', path, { key, body: operatorInput({ name: 'Slow' }), headers: slow }, 409, 'IDEMPOTENCY_IN_FLIGHT');
      } finally {
        gate.release();
      }
      expect((await first).status).toBe(201);
      const id = created.body.data.id as string;

      await send('GET', path, { key }, 200);
      await send('GET', `${path}?limit=1&status=active`, { key }, 200);
      await send('GET', `${path}?limit=0`, { key }, 400, 'VALIDATION_FAILED');
      await send('GET', `${path}?status=bogus`, { key }, 400, 'VALIDATION_FAILED');
      await send('GET', `${path}?cursor=not-a-cursor`, { key }, 400, 'VALIDATION_FAILED');
      await send('GET', `${path}?unknown=1`, { key }, 400, 'VALIDATION_FAILED');
      await send('GET', path, {}, 401, 'UNAUTHORIZED');

      await send('GET', `${path}/${id}`, { key }, 200);
      await send('GET', `${path}/op_unknown`, { key }, 404, 'OPERATOR_NOT_FOUND');
      await send('GET', `${path}/${id}`, {}, 401, 'UNAUTHORIZED');

      await send('PUT', `${path}/${id}`, { key, body: { plan: 'enterprise', industry: null } }, 200);
      await send('PUT', `${path}/${id}`, { key, body: { contactEmail: 'nope' } }, 400, 'VALIDATION_FAILED');
      await send('PUT', `${path}/${id}`, { key, body: { name: null } }, 400, 'VALIDATION_FAILED');
      await send('PUT', `${path}/${id}`, { key, rawBody: '{' }, 400, 'INVALID_JSON');
      await send('PUT', `${path}/${id}`, { key, rawBody: 'plan', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('PUT', `${path}/${id}`, { key, rawBody: manyEntries(1200) }, 413, 'PAYLOAD_TOO_LARGE');
      await send('PUT', `${path}/op_unknown`, { key, body: { plan: 'starter' } }, 404, 'OPERATOR_NOT_FOUND');
      await send('PUT', `${path}/${id}`, { body: { plan: 'starter' } }, 401, 'UNAUTHORIZED');

      await send('GET', `${path}/${id}/history`, { key }, 200);
      await send('GET', `${path}/${id}/history?limit=1000`, { key }, 400, 'VALIDATION_FAILED');
      await send('GET', `${path}/op_unknown/history`, { key }, 404, 'OPERATOR_NOT_FOUND');
      await send('GET', `${path}/${id}/history`, {}, 401, 'UNAUTHORIZED');

      await send('DELETE', `${path}/${id}`, { key }, 200);
      await send('DELETE', `${path}/${id}`, { key }, 200);
      await send('DELETE', `${path}/${id}`, { key, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('DELETE', `${path}/${id}`, { key, rawBody: '{' }, 400, 'INVALID_JSON');
      await send('DELETE', `${path}/op_unknown`, { key }, 404, 'OPERATOR_NOT_FOUND');
      await send('DELETE', `${path}/${id}`, {}, 401, 'UNAUTHORIZED');
      await send('PUT', `${path}/${id}`, { key, body: { status: 'active' } }, 200);

      await send('PATCH', path, { key, body: {} }, 405, 'METHOD_NOT_ALLOWED');
      await send('POST', `${path}/${id}`, { key, body: {} }, 405, 'METHOD_NOT_ALLOWED');
    });
  });

  it('Platform API, operator keys', async () => {
    const op = await operatorWithKey(t);
    const { key } = op;
    await conforming(contract, base, async (send) => {
      const path = `/platform-api/operators/${op.operatorId}/api-keys`;
      await send('POST', path, { key: op.platformKey, body: { label: 'Contract' } }, 201);
      const issued = await send('POST', path, { key: op.platformKey, body: {} }, 201);
      await send('POST', path, { key: op.platformKey }, 201);
      await send('POST', path, { key: op.platformKey, body: { label: '' } }, 400, 'VALIDATION_FAILED');
      await send('POST', path, { key: op.platformKey, body: { label: 'x', operatorId: 'op' } }, 400, 'VALIDATION_FAILED');
      await send('POST', path, { key: op.platformKey, rawBody: '{' }, 400, 'INVALID_JSON');
      await send('POST', path, { key: op.platformKey, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('POST', path, { key: op.platformKey, rawBody: manyEntries(1200) }, 413, 'PAYLOAD_TOO_LARGE');
      await send('POST', '/platform-api/operators/op_unknown/api-keys', { key: op.platformKey, body: {} }, 404, 'OPERATOR_NOT_FOUND');
      await send('POST', path, { key, body: {} }, 401, 'UNAUTHORIZED');
      const idem = { 'idempotency-key': 'contract-platform-key' };
      await send('POST', path, { key: op.platformKey, body: { label: 'A' }, headers: idem }, 201);
      await send('POST', path, { key: op.platformKey, body: { label: 'B' }, headers: idem }, 422, 'IDEMPOTENCY_KEY_REUSED');

      await send('GET', path, { key: op.platformKey }, 200);
      await send('GET', `${path}?limit=abc`, { key: op.platformKey }, 400, 'VALIDATION_FAILED');
      await send('GET', '/platform-api/operators/op_unknown/api-keys', { key: op.platformKey }, 404, 'OPERATOR_NOT_FOUND');
      await send('GET', path, {}, 401, 'UNAUTHORIZED');

      await send('DELETE', `${path}/${issued.body.data.id}`, { key: op.platformKey }, 200);
      await send('DELETE', `${path}/${UNKNOWN_UUID}`, { key: op.platformKey }, 404, 'API_KEY_NOT_FOUND');
      await send('DELETE', `${path}/not-a-key-id`, { key: op.platformKey }, 404, 'API_KEY_NOT_FOUND');
      await send('DELETE', `/platform-api/operators/op_unknown/api-keys/${UNKNOWN_UUID}`, { key: op.platformKey }, 404, 'OPERATOR_NOT_FOUND');
      await send('DELETE', `${path}/${op.keyId}`, { key: op.platformKey, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('DELETE', `${path}/${op.keyId}`, {}, 401, 'UNAUTHORIZED');

      await send('PUT', path, { key: op.platformKey, body: {} }, 405, 'METHOD_NOT_ALLOWED');
      await send('GET', `${path}/${op.keyId}`, { key: op.platformKey }, 405, 'METHOD_NOT_ALLOWED');
    });
  });

  it('API keys (seed 002), with a key and with a session', async () => {
    const op = await operatorWithKey(t);
    const { key, operatorId } = op;
    const jwt = await session(operatorId);
    await conforming(contract, base, async (send) => {
      const created = await send('POST', '/api-keys', { key, body: { operatorId, label: 'Production backend' } }, 201);
      await send('POST', '/api-keys', { key: jwt, body: { operatorId } }, 201);
      await send('POST', '/api-keys', { key, body: {} }, 400, 'MISSING_FIELDS');
      await send('POST', '/api-keys', { key, body: { operatorId, label: 7 } }, 400, 'VALIDATION_FAILED');
      await send('POST', '/api-keys', { key, body: { operatorId: 'op_someone_else' } }, 404, 'OPERATOR_NOT_FOUND');
      await send('POST', '/api-keys', { key, rawBody: '{' }, 400, 'INVALID_JSON');
      await send('POST', '/api-keys', { key, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('POST', '/api-keys', { key, rawBody: manyEntries(1200) }, 413, 'PAYLOAD_TOO_LARGE');
      await send('POST', '/api-keys', { body: { operatorId } }, 401, 'UNAUTHORIZED');
      const idem = { 'idempotency-key': 'contract-operator-key' };
      await send('POST', '/api-keys', { key, body: { operatorId, label: 'A' }, headers: idem }, 201);
      await send('POST', '/api-keys', { key, body: { operatorId, label: 'B' }, headers: idem }, 422, 'IDEMPOTENCY_KEY_REUSED');

      await send('GET', '/api-keys', { key }, 200);
      await send('GET', '/api-keys?limit=2', { key: jwt }, 200);
      await send('GET', '/api-keys?limit=0', { key }, 400, 'VALIDATION_FAILED');
      await send('GET', '/api-keys', { key: 'not-a-token' }, 401, 'UNAUTHORIZED');

      const id = created.body.data.id as string;
      await send('PATCH', '/api-keys', { key, body: { id, label: 'Production v2' } }, 200);
      await send('PATCH', '/api-keys', { key, body: { id } }, 400, 'MISSING_FIELDS');
      await send('PATCH', '/api-keys', { key, body: { id, label: 'x'.repeat(500) } }, 400, 'VALIDATION_FAILED');
      await send('PATCH', '/api-keys', { key, body: { id: UNKNOWN_UUID, label: 'x' } }, 404, 'API_KEY_NOT_FOUND');
      await send('PATCH', '/api-keys', { key, rawBody: '{' }, 400, 'INVALID_JSON');
      await send('PATCH', '/api-keys', { key, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('PATCH', '/api-keys', { key, rawBody: manyEntries(1200) }, 413, 'PAYLOAD_TOO_LARGE');
      await send('PATCH', '/api-keys', { body: { id, label: 'x' } }, 401, 'UNAUTHORIZED');

      await send('GET', `/api-keys/${id}/history`, { key }, 200);
      await send('GET', `/api-keys/${id}/history?limit=0`, { key }, 400, 'VALIDATION_FAILED');
      await send('GET', `/api-keys/${UNKNOWN_UUID}/history`, { key }, 404, 'API_KEY_NOT_FOUND');
      await send('GET', `/api-keys/${id}/history`, {}, 401, 'UNAUTHORIZED');

      await send('DELETE', '/api-keys', { key }, 400, 'MISSING_FIELDS');
      await send('DELETE', `/api-keys?id=${id}&hard=maybe`, { key }, 400, 'VALIDATION_FAILED');
      await send('DELETE', `/api-keys?id=${id}&hard=true`, { key }, 400, 'KEY_NOT_REVOKED');
      await send('DELETE', `/api-keys?id=${UNKNOWN_UUID}`, { key }, 404, 'API_KEY_NOT_FOUND');
      await send('DELETE', `/api-keys?id=${id}`, { key }, 200);
      await send('DELETE', `/api-keys?id=${id}&hard=true`, { key: jwt }, 200);
      await send('DELETE', `/api-keys?id=${id}`, { key, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('DELETE', `/api-keys?id=${id}`, {}, 401, 'UNAUTHORIZED');

      // The operator's last key: revoke every other one, then the last is refused.
      const listed = await send('GET', '/api-keys?limit=100', { key }, 200);
      for (const other of listed.body.data as { id: string; revoked: boolean }[]) {
        if (other.id !== op.keyId && !other.revoked) await send('DELETE', `/api-keys?id=${other.id}`, { key }, 200);
      }
      await send('DELETE', `/api-keys?id=${op.keyId}`, { key }, 400, 'LAST_ACTIVE_KEY');

      await send('PUT', '/api-keys', { key, body: {} }, 405, 'METHOD_NOT_ALLOWED');
      await send('DELETE', `/api-keys/${id}/history`, { key }, 405, 'METHOD_NOT_ALLOWED');
    });
  });

  it('Operator data API: settings, entities, events and state', async () => {
    const op = await operatorWithKey(t);
    const { key } = op;
    const player = PLAYER;
    await conforming(contract, base, async (send) => {
      await send('GET', '/operator-data-api/settings', { key }, 400, 'TEMPLATE_NOT_CONFIGURED');
      await send('POST', '/operator-data-api/entities', { key, body: { entityType: 'player', externalId: 'p1', data: player } }, 400, 'TEMPLATE_NOT_CONFIGURED');
      await send('POST', '/operator-data-api/events', { key, body: { externalId: 'p1', eventType: 'deposit' } }, 400, 'TEMPLATE_NOT_CONFIGURED');

      await send('PUT', '/operator-data-api/settings', { key, body: {} }, 400, 'VALIDATION_FAILED');
      await send('PUT', '/operator-data-api/settings', { key, body: { template: 'nope' } }, 400, 'VALIDATION_FAILED');
      await send('PUT', '/operator-data-api/settings', { key, body: { template: { name: 'Bad Name', entity_types: {} } } }, 400, 'VALIDATION_FAILED');
      await send('PUT', '/operator-data-api/settings', { key, rawBody: '{' }, 400, 'INVALID_JSON');
      await send('PUT', '/operator-data-api/settings', { key, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('PUT', '/operator-data-api/settings', { key, rawBody: manyEntries(1200) }, 413, 'PAYLOAD_TOO_LARGE');
      await send('PUT', '/operator-data-api/settings', { body: { template: 'igaming' } }, 401, 'UNAUTHORIZED');
      const custom = {
        name: 'shop',
        entity_types: { customer: { fields: { email: { type: 'email' }, tier: { type: 'string' } }, required: ['email'], pii_fields: ['email'], allow_extra_fields: true } },
        event_pii_fields: ['ip_address'],
      };
      await send('PUT', '/operator-data-api/settings', { key, body: { template: custom } }, 200);
      await send('GET', '/operator-data-api/settings', { key }, 200);
      await send('PUT', '/operator-data-api/settings', { key, body: { template: 'igaming' } }, 200);
      await send('GET', '/operator-data-api/settings', { key }, 200);
      await send('GET', '/operator-data-api/settings', {}, 401, 'UNAUTHORIZED');

      const entities = '/operator-data-api/entities';
      await send('POST', entities, { key, body: { entityType: 'player', externalId: 'p1', data: player } }, 201);
      await send('POST', entities, { key, body: { entityType: 'player', externalId: 'p1', data: { ...player, vip_level: 'gold' } } }, 200);
      await send('POST', entities, { key, body: { entityType: 'player' } }, 400, 'MISSING_FIELDS');
      await send('POST', entities, { key, body: { entityType: 'player', externalId: 'p2', data: { first_name: 'No' } } }, 400, 'VALIDATION_FAILED');
      await send('POST', entities, { key, body: { entityType: 'dragon', externalId: 'p2', data: {} } }, 400, 'VALIDATION_FAILED');
      await send('POST', entities, { key, body: { entityType: 'player', externalId: BAD_ID, data: player } }, 400, 'VALIDATION_FAILED');
      await send('POST', entities, { key, body: { entityType: 'player', externalId: 'p2', data: [] } }, 400, 'VALIDATION_FAILED');
      await send('POST', entities, { key, rawBody: '{' }, 400, 'INVALID_JSON');
      await send('POST', entities, { key, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('POST', entities, { key, rawBody: manyEntries(1200) }, 413, 'PAYLOAD_TOO_LARGE');
      await send('POST', entities, { body: { entityType: 'player', externalId: 'p1', data: player } }, 401, 'UNAUTHORIZED');
      const idem = { 'idempotency-key': 'contract-entity' };
      await send('POST', entities, { key, body: { entityType: 'player', externalId: 'p3', data: player }, headers: idem }, 201);
      await send('POST', entities, { key, body: { entityType: 'player', externalId: 'p3', data: player }, headers: idem }, 201);
      await send('POST', entities, { key, body: { entityType: 'player', externalId: 'p4', data: player }, headers: idem }, 422, 'IDEMPOTENCY_KEY_REUSED');

      await send('GET', entities, { key }, 200);
      await send('GET', `${entities}?entityType=player&limit=1`, { key }, 200);
      await send('GET', `${entities}?limit=101`, { key }, 400, 'VALIDATION_FAILED');
      await send('GET', entities, {}, 401, 'UNAUTHORIZED');
      await send('GET', `${entities}/p1`, { key }, 200);
      await send('GET', `${entities}/missing`, { key }, 404, 'ENTITY_NOT_FOUND');
      await send('GET', `${entities}/${BAD_ID}`, { key }, 400, 'VALIDATION_FAILED');
      await send('GET', `${entities}/%ff`, { key }, 400, 'BAD_REQUEST');
      await send('GET', `${entities}/p1`, {}, 401, 'UNAUTHORIZED');

      const events = '/operator-data-api/events';
      await send('POST', events, { key, body: { externalId: 'p1', eventType: 'deposit', data: { amount: 50, currency: 'GBP', ip_address: '203.0.113.7' } } }, 201);
      await send('POST', events, { key, body: { externalId: 'p1', eventType: 'login', occurredAt: '2026-04-06T10:30:00Z' } }, 201);
      await send('POST', events, { key, body: { externalId: 'p1' } }, 400, 'MISSING_FIELDS');
      await send('POST', events, { key, body: { externalId: 'p1', eventType: 'Bad Type' } }, 400, 'VALIDATION_FAILED');
      await send('POST', events, { key, body: { externalId: 'p1', eventType: 'deposit', data: { ['x'.repeat(129)]: 1 } } }, 400, 'VALIDATION_FAILED');
      await send('POST', events, { key, body: { externalId: 'missing', eventType: 'deposit' } }, 404, 'ENTITY_NOT_FOUND');
      await send('POST', events, { key, rawBody: '{' }, 400, 'INVALID_JSON');
      await send('POST', events, { key, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('POST', events, { key, rawBody: manyEntries(1200) }, 413, 'PAYLOAD_TOO_LARGE');
      await send('POST', events, { body: { externalId: 'p1', eventType: 'deposit' } }, 401, 'UNAUTHORIZED');
      const idemEvent = { 'idempotency-key': 'contract-event' };
      await send('POST', events, { key, body: { externalId: 'p1', eventType: 'bet' }, headers: idemEvent }, 201);
      await send('POST', events, { key, body: { externalId: 'p1', eventType: 'win' }, headers: idemEvent }, 422, 'IDEMPOTENCY_KEY_REUSED');

      await send('GET', `${entities}/p1/events`, { key }, 200);
      await send('GET', `${entities}/p1/events?limit=1`, { key }, 200);
      await send('GET', `${entities}/p1/events?limit=-1`, { key }, 400, 'VALIDATION_FAILED');
      await send('GET', `${entities}/missing/events`, { key }, 404, 'ENTITY_NOT_FOUND');
      await send('GET', `${entities}/p1/events`, {}, 401, 'UNAUTHORIZED');
      await send('GET', `${entities}/p1/history?asOf=2100-01-01T00:00:00Z`, { key }, 200);
      await send('GET', `${entities}/p1/history?from=later`, { key }, 400, 'VALIDATION_FAILED');
      await send('GET', `${entities}/missing/history`, { key }, 404, 'ENTITY_NOT_FOUND');
      await send('GET', `${entities}/p1/history`, {}, 401, 'UNAUTHORIZED');
      await send('GET', `${entities}/p1/state`, { key }, 200);
      await send('GET', `${entities}/missing/state`, { key }, 404, 'ENTITY_NOT_FOUND');
      await send('GET', `${entities}/${BAD_ID}/state`, { key }, 400, 'VALIDATION_FAILED');
      await send('GET', `${entities}/p1/state`, {}, 401, 'UNAUTHORIZED');

      await send('DELETE', `${entities}/p1`, { key }, 200);
      await send('DELETE', `${entities}/p1`, { key }, 404, 'ENTITY_NOT_FOUND');
      await send('DELETE', `${entities}/${BAD_ID}`, { key }, 400, 'VALIDATION_FAILED');
      await send('DELETE', `${entities}/p3`, { key, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('DELETE', `${entities}/p3`, {}, 401, 'UNAUTHORIZED');
      await send('GET', `${entities}/p1/events`, { key }, 404, 'ENTITY_NOT_FOUND');
      await send('GET', `${entities}/p1/state`, { key }, 404, 'ENTITY_NOT_FOUND');

      await send('PUT', entities, { key, body: {} }, 405, 'METHOD_NOT_ALLOWED');
      await send('POST', `${entities}/p1/state`, { key, body: {} }, 405, 'METHOD_NOT_ALLOWED');
      await send('DELETE', '/operator-data-api/settings', { key }, 405, 'METHOD_NOT_ALLOWED');
    });
  });

  it('Operator tokens (seed 003): tokens, child keys, the quota and the tier', async () => {
    const op = await igamingOperator(t);
    const { key } = op;
    const jwt = await session(op.operatorId);
    const tokens = '/api/v1/operator-tokens';
    await conforming(contract, base, async (send) => {
      const minted = await send('POST', tokens, { key, body: { label: 'fleet', monthly_quota_submissions: 2, child_quota_pct: 100 } }, 201);
      await send('POST', tokens, { key: jwt }, 201);
      await send('POST', tokens, { key, body: { monthly_quota_submissions: 0 } }, 400, 'VALIDATION_FAILED');
      await send('POST', tokens, { key, body: { colour: 'red' } }, 400, 'VALIDATION_FAILED');
      await send('POST', tokens, { key, rawBody: '{' }, 400, 'INVALID_JSON');
      await send('POST', tokens, { key, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('POST', tokens, { key, rawBody: manyEntries(1200) }, 413, 'PAYLOAD_TOO_LARGE');
      await send('POST', tokens, {}, 401, 'UNAUTHORIZED');
      const idem = { 'idempotency-key': 'contract-operator-token' };
      await send('POST', tokens, { key, body: { label: 'A' }, headers: idem }, 201);
      await send('POST', tokens, { key, body: { label: 'B' }, headers: idem }, 422, 'IDEMPOTENCY_KEY_REUSED');
      for (let live = 3; live < 10; live++) await send('POST', tokens, { key }, 201);
      await send('POST', tokens, { key }, 409, 'MAX_OPERATOR_TOKENS');

      await send('GET', tokens, { key }, 200);
      await send('GET', tokens, { key: jwt }, 200);
      await send('GET', tokens, {}, 401, 'UNAUTHORIZED');

      const token = minted.body.data.operator_token as string;
      const id = minted.body.data.id as string;
      const mintChild = `${tokens}/mint-child`;
      const child = await send('POST', mintChild, { key: token, body: { display_name: 'edge-1' } }, 201);
      await send('POST', mintChild, { key: token, body: { display_name: '' } }, 400, 'VALIDATION_FAILED');
      await send('POST', mintChild, { key: token, rawBody: '{' }, 400, 'INVALID_JSON');
      await send('POST', mintChild, { key: token, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('POST', mintChild, { key: token, rawBody: manyEntries(1200) }, 413, 'PAYLOAD_TOO_LARGE');
      await send('POST', mintChild, {}, 401, 'MISSING_OPERATOR_TOKEN');
      await send('POST', mintChild, { key }, 401, 'INVALID_OPERATOR_TOKEN_FORMAT');
      await send('POST', mintChild, { key: `oh_op_${'0'.repeat(64)}` }, 401, 'INVALID_OPERATOR_TOKEN_FORMAT');
      const childIdem = { 'idempotency-key': 'contract-child' };
      await send('POST', mintChild, { key: token, body: { display_name: 'a' }, headers: childIdem }, 201);
      await send('POST', mintChild, { key: token, body: { display_name: 'b' }, headers: childIdem }, 422, 'IDEMPOTENCY_KEY_REUSED');
      const childKey = child.body.data.api_key as string;

      // The quota: two submissions this month, then 429 QUOTA_EXCEEDED with Retry-After.
      await send('POST', '/operator-data-api/entities', { key: childKey, body: { entityType: 'player', externalId: 'fleet-1', data: PLAYER } }, 201);
      await send('POST', '/operator-data-api/events', { key: childKey, body: { externalId: 'fleet-1', eventType: 'deposit' } }, 201);
      await send('POST', '/operator-data-api/events', { key: childKey, body: { externalId: 'fleet-1', eventType: 'deposit' } }, 429, 'QUOTA_EXCEEDED');
      await send('POST', '/operator-data-api/entities', { key: childKey, body: { entityType: 'player', externalId: 'fleet-2', data: PLAYER } }, 429, 'QUOTA_EXCEEDED');
      await send('DELETE', '/operator-data-api/entities/fleet-1', { key: childKey }, 429, 'QUOTA_EXCEEDED');

      // A child key manages nothing: 403 TIER_FORBIDDEN on every key, token and settings route.
      const forbidden: [string, string, unknown][] = [
        ['POST', '/api-keys', { operatorId: op.operatorId }],
        ['GET', '/api-keys', undefined],
        ['PATCH', '/api-keys', { id: op.keyId, label: 'x' }],
        ['DELETE', `/api-keys?id=${op.keyId}`, undefined],
        ['GET', `/api-keys/${op.keyId}/history`, undefined],
        ['PUT', '/operator-data-api/settings', { template: 'igaming' }],
        ['GET', tokens, undefined],
        ['POST', tokens, {}],
        ['GET', `${tokens}/${id}`, undefined],
        ['DELETE', `${tokens}/${id}`, undefined],
      ];
      for (const [method, path, body] of forbidden) await send(method, path, { key: childKey, body }, 403, 'TIER_FORBIDDEN');

      await send('GET', `${tokens}/${id}`, { key }, 200);
      await send('GET', `${tokens}/${id}?limit=1`, { key: jwt }, 200);
      await send('GET', `${tokens}/${id}?limit=0`, { key }, 400, 'VALIDATION_FAILED');
      await send('GET', `${tokens}/${UNKNOWN_UUID}`, { key }, 404, 'UNKNOWN_OPERATOR_TOKEN');
      await send('GET', `${tokens}/%ff`, { key }, 400, 'BAD_REQUEST');
      await send('GET', `${tokens}/${id}`, {}, 401, 'UNAUTHORIZED');

      await send('GET', `${tokens}/${id}/history`, { key }, 200);
      await send('GET', `${tokens}/${id}/history?asOf=2100-01-01T00:00:00Z&limit=1`, { key: jwt }, 200);
      await send('GET', `${tokens}/${id}/history?asOf=soon`, { key }, 400, 'VALIDATION_FAILED');
      await send('GET', `${tokens}/${UNKNOWN_UUID}/history`, { key }, 404, 'UNKNOWN_OPERATOR_TOKEN');
      await send('GET', `${tokens}/${id}/history`, { key: childKey }, 403, 'TIER_FORBIDDEN');
      await send('GET', `${tokens}/${id}/history`, {}, 401, 'UNAUTHORIZED');
      await send('GET', `/api-keys/${op.keyId}/history?asOf=2100-01-01T00:00:00Z`, { key }, 200);
      await send('GET', `/platform-api/operators/${op.operatorId}/history?asOf=2100-01-01T00:00:00Z`, { key: op.platformKey }, 200);
      await send('DELETE', `${tokens}/${id}?cascade=maybe`, { key }, 400, 'VALIDATION_FAILED');
      await send('DELETE', `${tokens}/${UNKNOWN_UUID}`, { key }, 404, 'UNKNOWN_OPERATOR_TOKEN');
      await send('DELETE', `${tokens}/${id}`, { key, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await send('DELETE', `${tokens}/${id}`, {}, 401, 'UNAUTHORIZED');
      await send('DELETE', `${tokens}/${id}`, { key }, 200);
      await send('DELETE', `${tokens}/${id}?cascade=true`, { key: jwt }, 200);
      await send('POST', mintChild, { key: token }, 401, 'OPERATOR_TOKEN_REVOKED');

      // Another token, up to its cap of children; then its operator is suspended.
      const small = await send('POST', tokens, { key }, 201);
      const smallToken = small.body.data.operator_token as string;
      for (let i = 0; i < MAX_CHILDREN; i++) await send('POST', mintChild, { key: smallToken }, 201);
      await send('POST', mintChild, { key: smallToken }, 409, 'MAX_CHILD_KEYS');
      await send('POST', mintChild, { key: generateSecret('oh_op_') }, 401, 'OPERATOR_TOKEN_NOT_FOUND');
      await call(t.url, 'DELETE', `/platform-api/operators/${op.operatorId}`, { key: op.platformKey });
      await send('POST', mintChild, { key: smallToken }, 401, 'OPERATOR_SUSPENDED');
      await send('POST', mintChild, { key: `oh_op_${'a'.repeat(56)}` }, 401, 'INVALID_OPERATOR_TOKEN_FORMAT');

      await send('PUT', tokens, { key, body: {} }, 405, 'METHOD_NOT_ALLOWED');
      await send('PATCH', `${tokens}/${id}`, { key, body: {} }, 405, 'METHOD_NOT_ALLOWED');
    });
  });

  it('Operations: health, readiness, metrics; unknown paths and methods', async () => {
    await conforming(contract, base, async (send) => {
      await send('GET', '/health', {}, 200);
      await send('GET', '/ready', {}, 200);
      await send('POST', '/health', {}, 405, 'METHOD_NOT_ALLOWED');
      await send('GET', '/no/such/path', {}, 404, 'NOT_FOUND');
      await send('GET', `/health?pad=${'x'.repeat(9000)}`, {}, 414, 'URI_TOO_LONG');
      // Prometheus text, not JSON: fetched as text and checked the same way.
      const response = await fetch(`${t.url}/metrics`);
      const text = await response.text();
      contract.check('GET', '/metrics', { status: response.status, headers: response.headers, body: text });
      expect([response.status, text]).toEqual([200, expect.stringContaining('# TYPE')]);
    });
  });

  it('answers what every route shares, on every operation: 414, 400 for an undecodable path, the body parser’s 400, 413 and 415, 405 on its path', async () => {
    const op = await igamingOperator(t);
    const fill = (template: string) =>
      template
        .replace('{id}', template.startsWith('/api-keys') ? op.keyId : op.operatorId)
        .replace('{keyId}', op.keyId)
        .replace('{externalId}', 'player_12345');
    const methodsOf = new Map<string, string[]>();
    for (const route of contract.routes) methodsOf.set(route.template, [...(methodsOf.get(route.template) ?? []), route.method]);
    await conforming(contract, base, async (send) => {
      for (const route of contract.routes) {
        const key = route.template.startsWith('/platform-api') ? op.platformKey : op.key;
        const path = fill(route.template);
        await send(route.method, `${path}?pad=${'x'.repeat(9000)}`, { key }, 414, 'URI_TOO_LONG');
        if (route.template.includes('{')) await send(route.method, fill(route.template.replace(/\{[^}]+\}/, '%ff')), { key }, 400, 'BAD_REQUEST');
        if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method)) {
          await send(route.method, path, { key, rawBody: '{"a":' }, 400, 'INVALID_JSON');
          await send(route.method, path, { key, rawBody: deeplyNested(40) }, 400, 'NESTING_TOO_DEEP');
          await send(route.method, path, { key, rawBody: manyEntries(1200) }, 413, 'PAYLOAD_TOO_LARGE');
          await send(route.method, path, { key, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
        }
      }
      for (const [template, methods] of methodsOf) {
        const lacking = ['PATCH', 'PUT', 'POST', 'DELETE', 'GET'].find((method) => !methods.includes(method))!;
        await send(lacking, fill(template), { key: op.key }, 405, 'METHOD_NOT_ALLOWED');
      }
    });
  });

  it('answers 409 IDEMPOTENCY_IN_FLIGHT on every POST while the first request with its Idempotency-Key is in flight', async () => {
    const op = await igamingOperator(t);
    await call(t.url, 'POST', '/operator-data-api/entities', { key: op.key, body: { entityType: 'player', externalId: 'in-flight', data: PLAYER } });
    const fleetToken = (await call(t.url, 'POST', '/api/v1/operator-tokens', { key: op.key })).body.data.operator_token as string;
    const bodies: Record<string, [string, unknown]> = {
      '/platform-api/operators': [op.platformKey, operatorInput({ name: 'In flight' })],
      '/platform-api/operators/{id}/api-keys': [op.platformKey, { label: 'In flight' }],
      '/api-keys': [op.key, { operatorId: op.operatorId }],
      '/operator-data-api/entities': [op.key, { entityType: 'player', externalId: 'in-flight-2', data: PLAYER }],
      '/operator-data-api/events': [op.key, { externalId: 'in-flight', eventType: 'deposit' }],
      '/api/v1/operator-tokens': [op.key, { label: 'In flight' }],
      '/api/v1/operator-tokens/mint-child': [fleetToken, { display_name: 'In flight' }],
    };
    await conforming(contract, base, async (send) => {
      for (const route of contract.routes.filter((r) => r.method === 'POST')) {
        const known = bodies[route.template];
        expect([route.template, known !== undefined]).toEqual([route.template, true]);
        const [key, body] = known!;
        const path = route.template.replace('{id}', op.operatorId);
        const headers = { 'idempotency-key': `in-flight ${route.template}` };
        const gate = gateAppends(t.app.runtime.stores.events);
        const first = contract.call(t.url, 'POST', path, { key, body, headers });
        try {
          await gate.entered;
          await send('POST', path, { key, body, headers }, 409, 'IDEMPOTENCY_IN_FLIGHT');
        } finally {
          gate.release();
        }
        expect((await first).status).toBe(201);
        const replay = await send('POST', path, { key, body, headers }, 201);
        expect(replay.headers.get('idempotent-replayed')).toBe('true');
      }
    });
  });

  it('is not vacuous: a reply that breaks the document in any way is a violation', () => {
    const probe = new OpenApiContract(contract.document);
    const headers = (extra: Record<string, string> = {}) =>
      new Headers({ 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'r-1', ...extra });
    const operator = {
      id: 'op_1',
      name: 'Lucky Spin Casino',
      plan: 'starter',
      status: 'active',
      contactEmail: 'admin@luckyspin.com',
      industry: null,
      createdAt: '2026-04-06T10:30:00.000Z',
      updatedAt: '2026-04-06T10:30:00.000Z',
      suspendedAt: null,
    };
    const error = (code: string, details?: unknown) => ({ success: false, error: { code, message: 'x', details }, requestId: 'r-1' });
    const path = '/platform-api/operators/op_1';
    expect(probe.check('GET', path, { status: 200, headers: headers(), body: { success: true, data: operator } })).toEqual([]);
    const broken: [string, string[]][] = [
      ['a value outside its enum', probe.check('GET', path, { status: 200, headers: headers(), body: { success: true, data: { ...operator, plan: 'gold' } } })],
      ['a required field missing', probe.check('GET', path, { status: 200, headers: headers(), body: { success: true, data: { ...operator, id: undefined } } })],
      ['an undocumented status', probe.check('GET', path, { status: 201, headers: headers(), body: { success: true, data: operator } })],
      ['a required header missing', probe.check('GET', path, { status: 200, headers: new Headers({ 'content-type': 'application/json' }), body: { success: true, data: operator } })],
      ['an undocumented media type', probe.check('GET', path, { status: 200, headers: headers({ 'content-type': 'text/html' }), body: '<p>' })],
      ['a code the status does not list', probe.check('GET', path, { status: 404, headers: headers(), body: error('ENTITY_NOT_FOUND') })],
      ['field problems as an object', probe.check('GET', '/platform-api/operators', { status: 400, headers: headers(), body: error('VALIDATION_FAILED', { field: 'limit' }) })],
      ['other details as a list', probe.check('POST', '/platform-api/operators', { status: 413, headers: headers(), body: error('PAYLOAD_TOO_LARGE', []) })],
      ['a malformed uuid', probe.check('GET', '/api-keys', { status: 200, headers: headers(), body: { success: true, data: [{ id: 'nope' }], pagination: { limit: 1, nextCursor: null } } })],
      ['a method the path lacks, not 405', probe.check('PATCH', path, { status: 404, headers: headers(), body: error('NOT_FOUND') })],
      ['405 without Allow', probe.check('PATCH', path, { status: 405, headers: headers(), body: error('METHOD_NOT_ALLOWED') })],
      ['an undocumented path that answers', probe.check('GET', '/nowhere', { status: 200, headers: headers(), body: { success: true } })],
    ];
    expect(broken.filter(([, violations]) => violations.length === 0).map(([what]) => what)).toEqual([]);
  });

  it('answers every request example of the document with a documented success', async () => {
    const examples = requestExamples(contract.document);
    expect(examples.length).toBeGreaterThan(0);
    // The identifiers an example cannot know (they name what the caller made), and the state it needs.
    const platform = await t.registerPlatform();
    const op = await operatorWithKey(t, platform.key);
    const issued = await call(t.url, 'POST', '/api-keys', { key: op.key, body: { operatorId: op.operatorId } });
    const fleet = (await call(t.url, 'POST', '/api/v1/operator-tokens', { key: op.key })).body.data;
    const ids: Record<string, string> = { operatorId: op.operatorId };
    const keyOf = (template: string) => {
      if (template === '/api/v1/operator-tokens/mint-child') return fleet.operator_token as string;
      return template.startsWith('/platform-api') ? platform.key : op.key;
    };
    const pathOf = (template: string) =>
      template
        .replace('/api/v1/operator-tokens/{id}', `/api/v1/operator-tokens/${fleet.id}`)
        .replace('/platform-api/operators/{id}', `/platform-api/operators/${op.operatorId}`)
        .replace('{keyId}', issued.body.data.id)
        .replace('/api-keys/{id}', `/api-keys/${issued.body.data.id}`)
        .replace('{externalId}', 'player_12345');
    // Settings first, then entities, then events: the order the seed's examples build on each other.
    const order = ['/operator-data-api/settings', '/operator-data-api/entities', '/operator-data-api/events'];
    const rank = (template: string) => (order.includes(template) ? order.indexOf(template) : order.length);
    const sorted = [...examples].sort((a, b) => rank(a.template) - rank(b.template));
    const failures: string[] = [];
    const before = contract.violations.length;
    for (const example of sorted) {
      examplesSent++;
      let body = example.body;
      if (example.template === '/api-keys' && example.method === 'POST') body = { ...(body as object), ...ids };
      if (example.template === '/api-keys' && example.method === 'PATCH') body = { ...(body as object), id: issued.body.data.id };
      const query = example.query ? `?${new URLSearchParams(example.query as Record<string, string>)}` : '';
      const reply = await contract.call(t.url, example.method, `${pathOf(example.template)}${query}`, { key: keyOf(example.template), body });
      const documented = Object.keys(contract.route(example.method, pathOf(example.template))?.operation.responses ?? {});
      if (reply.status >= 300 || !documented.includes(String(reply.status))) {
        failures.push(`${example.method} ${example.template} ${example.source}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
      }
    }
    expect({ failures, violations: contract.violations.slice(before) }).toEqual({ failures: [], violations: [] });
  });
});

describe('the OpenAPI document: 429 on every route that limits', () => {
  let t: TestApp;
  let contract: OpenApiContract;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PLATFORM: '6', RATE_LIMIT_PROFESSIONAL: '2', RATE_LIMIT_ANONYMOUS: '3', RATE_LIMIT_WINDOW_MS: '60000' });
    contract = await contractOf(t.url);
  });
  afterAll(async () => t.close());

  it('answers 429 RATE_LIMITED, as documented, on every operation a credential reaches, and to anonymous guessing', async () => {
    const op = await operatorWithKey(t); // two of the platform key's six requests
    const fleet = (await call(t.url, 'POST', '/api/v1/operator-tokens', { key: op.key })).body.data; // one of the key's two
    await conforming(contract, () => t.url, async (send) => {
      // Spend the rest of each budget, then every operation of that credential is refused.
      for (let i = 0; i < 4; i++) await send('GET', '/platform-api/operators', { key: op.platformKey }, 200);
      for (let i = 0; i < 1; i++) await send('GET', '/api-keys', { key: op.key }, 200);
      for (let i = 0; i < 2; i++) await send('POST', '/api/v1/operator-tokens/mint-child', { key: fleet.operator_token }, 201);
      const fill = (template: string) =>
        template
          .replace('{id}', template.startsWith('/api-keys') ? op.keyId : op.operatorId)
          .replace('{keyId}', op.keyId)
          .replace('{externalId}', 'player_12345');
      for (const route of contract.routes.filter((r) => (r.operation.security ?? []).length > 0)) {
        const key = route.template.startsWith('/platform-api') ? op.platformKey : route.template.endsWith('/mint-child') ? fleet.operator_token : op.key;
        const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
        // Retry-After is a required header of the documented 429: the contract checks it.
        await send(route.method, fill(route.template), { key, body }, 429, 'RATE_LIMITED');
      }
      for (let i = 0; i < 3; i++) await send('GET', '/api-keys', { key: 'oh_live_guess' }, 401, 'UNAUTHORIZED');
      await send('GET', '/api-keys', { key: 'oh_live_guess' }, 429, 'RATE_LIMITED');
    });
  });
});

describe('the OpenAPI document: 503 CONSISTENCY_TIMEOUT on every command that waits', () => {
  let dir: string;
  let t: TestApp;
  let contract: OpenApiContract;
  let op: Awaited<ReturnType<typeof igamingOperator>>;
  let spare: string;
  let fleet: { id: string; operator_token: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oh-openapi-'));
    // The operator, its keys and an entity are made while a projector runs...
    const setup = await startTestApp({}, dir);
    op = await igamingOperator(setup);
    await call(setup.url, 'POST', '/operator-data-api/entities', { key: op.key, body: { entityType: 'player', externalId: 'p1', data: PLAYER } });
    spare = (await call(setup.url, 'POST', '/api-keys', { key: op.key, body: { operatorId: op.operatorId } })).body.data.id;
    fleet = (await call(setup.url, 'POST', '/api/v1/operator-tokens', { key: op.key })).body.data;
    await setup.close();
    // ...then none does (PROJECTOR=external names one in another process): every command times out waiting.
    t = await startTestApp({ PROJECTOR: 'external', CONSISTENCY_TIMEOUT_MS: '200' }, dir);
    contract = await contractOf(t.url);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 as documented when the read model does not catch up in time', async () => {
    await conforming(contract, () => t.url, async (send) => {
      // Each command is recorded, then times out; the projection is caught up before the next one.
      const commands: [string, string, unknown][] = [
        ['PUT', '/operator-data-api/settings', { template: { ...IGAMING_TEMPLATE, name: 'igaming_copy' } }],
        ['POST', '/operator-data-api/entities', { entityType: 'player', externalId: 'p2', data: PLAYER }],
        ['POST', '/operator-data-api/events', { externalId: 'p1', eventType: 'deposit', data: { amount: 5 } }],
        ['DELETE', '/operator-data-api/entities/p2', undefined],
        ['POST', '/api-keys', { operatorId: op.operatorId }],
        ['PATCH', '/api-keys', { id: spare, label: 'Renamed' }],
        ['DELETE', `/api-keys?id=${spare}`, undefined],
        ['DELETE', `/api-keys?id=${spare}&hard=true`, undefined],
      ];
      for (const [method, path, body] of commands) {
        await send(method, path, { key: op.key, body }, 503, 'CONSISTENCY_TIMEOUT');
        await t.app.runtime.projector.catchUp();
      }
      const fleetCommands: [string, string, string, unknown][] = [
        ['POST', '/api/v1/operator-tokens/mint-child', fleet.operator_token, {}],
        ['POST', '/api/v1/operator-tokens', op.key, {}],
        ['DELETE', `/api/v1/operator-tokens/${fleet.id}`, op.key, undefined],
      ];
      for (const [method, path, key, body] of fleetCommands) {
        await send(method, path, { key, body }, 503, 'CONSISTENCY_TIMEOUT');
        await t.app.runtime.projector.catchUp();
      }
      const platform = `/platform-api/operators/${op.operatorId}`;
      const platformCommands: [string, string, unknown][] = [
        ['POST', '/platform-api/operators', operatorInput()],
        ['PUT', platform, { plan: 'enterprise' }],
        ['POST', `${platform}/api-keys`, {}],
        ['DELETE', `${platform}/api-keys/${op.keyId}`, undefined],
        ['DELETE', platform, undefined],
      ];
      for (const [method, path, body] of platformCommands) {
        await send(method, path, { key: op.platformKey, body }, 503, 'CONSISTENCY_TIMEOUT');
        await t.app.runtime.projector.catchUp();
      }
    });
  });
});

describe('the OpenAPI document: coverage of the runs above', () => {
  it('observed every documented operation answer a success and an error, and every documented status but the unprovokable', () => {
    expect(shared).toBeDefined();
    const contract = shared!;
    const missing = contract.routes.flatMap((route) => {
      const seen = [...(contract.observed.get(`${route.method} ${route.template}`) ?? [])];
      const gaps: string[] = [];
      if (!seen.some((status) => status >= 200 && status < 300)) gaps.push(`${route.method} ${route.template}: no success observed`);
      if (!seen.some((status) => status >= 400)) gaps.push(`${route.method} ${route.template}: no error observed`);
      return gaps;
    });
    // What no test here provokes: a server failure (500), a CONFLICT from requests racing past the
    // command's retries (409 on the commands without an Idempotency-Key), a store that is down (/ready 503).
    const unprovokable = (gap: string) => / 500$/.test(gap) || /^(PUT|PATCH|DELETE) .* 409$/.test(gap) || gap === 'GET /ready 503';
    expect({ missing, unobserved: contract.unobserved().filter((gap) => !unprovokable(gap)) }).toEqual({ missing: [], unobserved: [] });
  });
});
