import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { IdempotencyInterceptor } from '../src/http/idempotency.interceptor';
import { call, gateAppends, igamingOperator, operatorWithKey, startTestApp, TestApp } from './harness';

const player = (externalId: string, email = 'idem@example.com') => ({
  entityType: 'player',
  externalId,
  data: { first_name: 'Ida', last_name: 'Empotent', email, country: 'GB', currency: 'GBP' },
});

describe('Idempotency-Key on every POST', () => {
  let t: TestApp;
  let key: string;
  let operatorId: string;
  let platformKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ key, operatorId, platformKey } = await igamingOperator(t));
  });
  afterAll(async () => t.close());

  it('is on every POST route of the API (it is declared per route, so a new one must not forget it)', () => {
    const posts: { route: string; idempotent: boolean }[] = [];
    for (const module of t.app.app.get(ModulesContainer).values()) {
      for (const controller of module.controllers.values()) {
        const prototype = (controller.metatype as { prototype: Record<string, unknown> }).prototype;
        for (const name of Object.getOwnPropertyNames(prototype)) {
          const handler = prototype[name];
          if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.POST) continue;
          const interceptors: unknown[] = Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? [];
          const path = `${Reflect.getMetadata(PATH_METADATA, controller.metatype as object)}/${Reflect.getMetadata(PATH_METADATA, handler)}`;
          posts.push({ route: path, idempotent: interceptors.includes(IdempotencyInterceptor) });
        }
      }
    }
    expect(posts.length).toBeGreaterThanOrEqual(5);
    expect(posts.filter((post) => !post.idempotent)).toEqual([]);
  });

  const count = async () => (await call(t.url, 'GET', '/operator-data-api/entities?limit=100', { key })).body.data.length;

  it('replays the first answer, status and body, for the same key and body, with Idempotent-Replayed: true', async () => {
    const headers = { 'idempotency-key': 'create-player-1' };
    const first = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: player('p1'), headers });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const before = await count();
    // Key order does not make another request.
    const { data, externalId, entityType } = player('p1');
    const again = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: { data, externalId, entityType }, headers });
    expect([again.status, again.body, again.headers.get('idempotent-replayed')]).toEqual([201, first.body, 'true']);
    expect(await count()).toBe(before);
  });

  it('answers 422 for the same key with another body, and changes nothing', async () => {
    const headers = { 'idempotency-key': 'create-player-2' };
    await call(t.url, 'POST', '/operator-data-api/entities', { key, body: player('p2'), headers });
    const before = await count();
    const other = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: player('p2-other'), headers });
    expect([other.status, other.body.error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await count()).toBe(before);
  });

  it('answers 409 to a concurrent duplicate while the first is in flight, then replays', async () => {
    const gate = gateAppends(t.app.runtime.stores.events);
    const headers = { 'idempotency-key': 'slow-one' };
    const first = call(t.url, 'POST', '/operator-data-api/entities', { key, body: player('p3'), headers });
    try {
      await gate.entered; // the first request holds its claim, and waits in its append
      const duplicate = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: player('p3'), headers });
      expect([duplicate.status, duplicate.body.error.code]).toEqual([409, 'IDEMPOTENCY_IN_FLIGHT']);
    } finally {
      gate.release();
    }
    expect((await first).status).toBe(201);
    const replay = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: player('p3'), headers });
    expect([replay.status, replay.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
  });

  it('lets a request that failed be retried with its key', async () => {
    const headers = { 'idempotency-key': 'fails-first' };
    const invalid = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: { ...player('p4'), data: { email: 'x' } }, headers });
    expect(invalid.status).toBe(400);
    const retried = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: { ...player('p4'), data: { email: 'x' } }, headers });
    expect(retried.status).toBe(400);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it('refuses a key longer than 255 characters with 400, and keys are scoped to the caller', async () => {
    const long = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: player('p5'), headers: { 'idempotency-key': 'k'.repeat(256) } });
    expect([long.status, long.body.error.code, long.body.error.details[0].field]).toEqual([400, 'VALIDATION_FAILED', 'Idempotency-Key']);
    const other = await operatorWithKey(t);
    await call(t.url, 'PUT', '/operator-data-api/settings', { key: other.key, body: { template: 'igaming' } });
    const mine = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: player('shared'), headers: { 'idempotency-key': 'same-key' } });
    const theirs = await call(t.url, 'POST', '/operator-data-api/entities', { key: other.key, body: player('shared'), headers: { 'idempotency-key': 'same-key' } });
    expect([mine.status, theirs.status, theirs.headers.get('idempotent-replayed')]).toEqual([201, 201, null]);
    expect(theirs.body.data.id).not.toBe(mine.body.data.id);
  });

  it('takes the key bare or as a structured-field string: "abc" and abc are one key; a malformed string is 400', async () => {
    const bare = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: player('sf1'), headers: { 'idempotency-key': 'sf-key "1' } });
    const quoted = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: player('sf1'), headers: { 'idempotency-key': '"sf-key \\"1"' } });
    expect([bare.status, quoted.status, quoted.headers.get('idempotent-replayed')]).toEqual([201, 201, 'true']);
    expect(quoted.body).toEqual(bare.body);
    for (const malformed of ['"unterminated', '"bad \\x escape"', '""', '"tab\there"']) {
      const refused = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: player('sf2'), headers: { 'idempotency-key': malformed } });
      expect([malformed, refused.status, refused.body.error.details?.[0]?.field]).toEqual([malformed, 400, 'Idempotency-Key']);
    }
    expect((await call(t.url, 'GET', '/operator-data-api/entities/sf2', { key })).status).toBe(404);
  });

  it('applies to the other POSTs too: a replayed key creation gives back the same key, stored only encrypted', async () => {
    const headers = { 'idempotency-key': 'new-key-1' };
    const first = await call(t.url, 'POST', '/api-keys', { key, body: { operatorId, label: 'once' }, headers });
    const again = await call(t.url, 'POST', '/api-keys', { key, body: { operatorId, label: 'once' }, headers });
    expect([again.status, again.body, again.headers.get('idempotent-replayed')]).toEqual([201, first.body, 'true']);
    const keys = (await call(t.url, 'GET', '/api-keys', { key })).body.data.filter((k: { label: string }) => k.label === 'once');
    expect(keys).toHaveLength(1);
    for (const file of readdirSync(t.dataDir)) {
      expect([file, readFileSync(join(t.dataDir, file)).includes(first.body.data.key)]).toEqual([file, false]);
    }
    const opHeaders = { 'idempotency-key': 'operator-1' };
    const op = await call(t.url, 'POST', '/platform-api/operators', { key: platformKey, body: { name: 'Idem', contactEmail: 'i@example.com' }, headers: opHeaders });
    const opAgain = await call(t.url, 'POST', '/platform-api/operators', { key: platformKey, body: { name: 'Idem', contactEmail: 'i@example.com' }, headers: opHeaders });
    expect([opAgain.status, opAgain.body.data.id]).toEqual([201, op.body.data.id]);
  });

  it('never replays one key’s answer to another key of the same operator', async () => {
    const second = await call(t.url, 'POST', '/api-keys', { key, body: { operatorId } });
    const headers = { 'idempotency-key': 'rotate-1' };
    const mine = await call(t.url, 'POST', '/api-keys', { key, body: { operatorId, label: 'rotated' }, headers });
    const theirs = await call(t.url, 'POST', '/api-keys', { key: second.body.data.key, body: { operatorId, label: 'rotated' }, headers });
    expect([mine.status, theirs.status, theirs.headers.get('idempotent-replayed')]).toEqual([201, 201, null]);
    expect(theirs.body.data.key).not.toBe(mine.body.data.key);
  });

  it('deletes stored answers about an entity when it is erased', async () => {
    const headers = { 'idempotency-key': 'erase-me' };
    const first = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: player('p-erased'), headers });
    expect(first.status).toBe(201);
    await call(t.url, 'DELETE', '/operator-data-api/entities/p-erased', { key });
    const after = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: player('p-erased'), headers });
    expect(after.headers.get('idempotent-replayed')).toBeNull();
    expect(after.status).toBe(201);
    expect(after.body.data.id).not.toBe(first.body.data.id);
  });
});
