import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EntityKeyring, isEnvelope, open } from '@onehazel/crypto';
import { Collections, EntityView } from '@onehazel/projections';
import { call, igamingOperator, startTestApp, TestApp } from './harness';

const PLAYER = {
  entityType: 'player',
  externalId: 'player_gdpr',
  data: {
    first_name: 'Ottoline',
    last_name: 'Quarrendon',
    email: 'ottoline.quarrendon@example.org',
    phone: '+44 7700 900461',
    date_of_birth: '1987-11-02',
    country: 'GB',
    currency: 'GBP',
  },
};
/** The personal fields, and the externalId: a player id identifies the player too. */
const PERSONAL = ['Ottoline', 'Quarrendon', 'ottoline.quarrendon@example.org', '+44 7700 900461', '1987-11-02', PLAYER.externalId];

/** Every file of the data directory (event log, read store, key store, their WAL files), raw. */
function filesHolding(dir: string, needle: string): string[] {
  return readdirSync(dir).filter((file) => readFileSync(join(dir, file)).includes(Buffer.from(needle, 'utf8')));
}

describe('GDPR erasure by crypto-shredding', () => {
  let t: TestApp;
  let key: string;
  let operatorId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ key, operatorId } = await igamingOperator(t));
  });
  afterAll(async () => t.close());

  const plaintextAnywhere = () =>
    PERSONAL.flatMap((value) => [
      ...filesHolding(t.dataDir, value).map((file) => `${value} in ${file}`),
      ...t.logs.filter((line) => line.includes(value)).map(() => `${value} in the logs`),
    ]);

  it('never stores personal data in plaintext, and after erasure nothing anywhere can decrypt it, even after a rebuild', async () => {
    const created = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: PLAYER });
    expect(created.status).toBe(201);
    const entityId = created.body.data.id;
    expect((await call(t.url, 'GET', `/operator-data-api/entities/${PLAYER.externalId}`, { key })).body.data.data).toEqual(PLAYER.data);

    // Before: the log and the read model hold envelopes only; the key store holds the wrapped key.
    expect(plaintextAnywhere()).toEqual([]);
    const logged = (await t.app.runtime.stores.events.subscribeToAll({ signal: AbortSignal.timeout(300) }))[Symbol.asyncIterator]();
    const envelopes: { field: string; envelope: string }[] = [];
    for (let next = await logged.next(); !next.done; next = await logged.next()) {
      const event = next.value;
      if (event.type === 'EntityCreated' && event.data.entityId === entityId) {
        for (const [field, value] of Object.entries(event.data.data as Record<string, unknown>)) {
          if (isEnvelope(value)) envelopes.push({ field, envelope: value });
        }
        break;
      }
    }
    expect(envelopes.map((e) => e.field).sort()).toEqual(['date_of_birth', 'email', 'first_name', 'last_name', 'phone']);
    const keyBefore = await t.app.runtime.stores.keys.get(operatorId, entityId);
    expect(keyBefore).not.toBeNull();
    const dataKey = (await t.app.runtime.keyring.forEntity(operatorId, entityId, { create: false }))!;
    for (const { field, envelope } of envelopes) expect(open(dataKey, { operatorId, entityId, field }, envelope)).toEqual((PLAYER.data as Record<string, unknown>)[field]);
    expect(filesHolding(t.dataDir, keyBefore!.wrapped)).toEqual(expect.arrayContaining([expect.stringMatching(/^keys\.db/)]));

    const erased = await call(t.url, 'DELETE', `/operator-data-api/entities/${PLAYER.externalId}`, { key });
    expect(erased.status).toBe(200);

    // After: no plaintext, no key (not in the store, not in its files), and the log's envelopes cannot be opened.
    expect(plaintextAnywhere()).toEqual([]);
    expect(await t.app.runtime.stores.keys.get(operatorId, entityId)).toBeNull();
    expect(filesHolding(t.dataDir, keyBefore!.wrapped)).toEqual([]);
    expect(await t.app.runtime.keyring.forEntity(operatorId, entityId, { create: false })).toBeNull();
    // A new keyring on the same stores and master key (as a restarted or another instance) finds no key either.
    const fresh = await EntityKeyring.create({ store: t.app.runtime.stores.keys, masterKeys: t.app.runtime.masterKeys, cacheTtlMs: 0 });
    expect(await fresh.forEntity(operatorId, entityId, { create: false })).toBeNull();
    // While the key existed it opened these envelopes; that is what is gone.
    expect(envelopes.every(({ envelope }) => envelope.split('.')[1] === keyBefore!.keyId)).toBe(true);
    const marker = (await t.app.runtime.stores.read.get(Collections.entities, entityId)) as EntityView;
    expect(marker).toMatchObject({ erased: true, data: {}, piiFields: [] });
    expect((await call(t.url, 'GET', `/operator-data-api/entities/${PLAYER.externalId}`, { key })).status).toBe(404);

    // A full rebuild from the log still ends with the entity erased.
    await t.app.runtime.projector.rebuild();
    expect((await t.app.runtime.stores.read.get(Collections.entities, entityId)) as EntityView).toMatchObject({ erased: true, data: {} });
    expect((await call(t.url, 'GET', `/operator-data-api/entities/${PLAYER.externalId}`, { key })).status).toBe(404);
    expect(plaintextAnywhere()).toEqual([]);
  });
});

describe('erasure racing an upsert', () => {
  let t: TestApp;
  let key: string;
  let operatorId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ key, operatorId } = await igamingOperator(t));
  });
  afterAll(async () => t.close());

  it('refuses an upsert that arrives between the key’s destruction and EntityErased, and leaves nothing decryptable', async () => {
    const created = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: PLAYER });
    const entityId = created.body.data.id;
    const keys = t.app.runtime.stores.keys;
    const destroy = keys.destroy.bind(keys);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let destroyed!: () => void;
    const keyGone = new Promise<void>((resolve) => (destroyed = resolve));
    keys.destroy = async (...args) => {
      const result = await destroy(...args);
      destroyed();
      await gate;
      return result;
    };
    const erasing = call(t.url, 'DELETE', `/operator-data-api/entities/${PLAYER.externalId}`, { key });
    try {
      await keyGone;
      const upsert = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: { ...PLAYER, data: { ...PLAYER.data, first_name: 'Zebedee' } } });
      expect([upsert.status, upsert.body.error?.code]).toEqual([409, 'CONFLICT']);
    } finally {
      keys.destroy = destroy;
      release();
    }
    expect((await erasing).status).toBe(200);
    expect(await keys.get(operatorId, entityId)).toBeNull();
    expect((await call(t.url, 'GET', `/operator-data-api/entities/${PLAYER.externalId}`, { key })).status).toBe(404);
    expect(filesHolding(t.dataDir, 'Zebedee')).toEqual([]);
  });
});

describe('tampered envelopes', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ key } = await igamingOperator(t));
  });
  afterAll(async () => t.close());

  /** Rewrites an entity's read-model document as an attacker with access to the store would. */
  async function tamper(entityId: string, change: (data: Record<string, unknown>) => Record<string, unknown>) {
    const read = t.app.runtime.stores.read;
    const view = (await read.get(Collections.entities, entityId)) as EntityView | null;
    await read.commitAll([], [{ kind: 'put', collection: Collections.entities, document: { ...view!, data: change({ ...view!.data }) } }]);
  }

  /** Upserts a player; answers its entity id. */
  const upsert = async (externalId: string, email: string): Promise<string> =>
    (
      await call(t.url, 'POST', '/operator-data-api/entities', {
        key,
        body: { entityType: 'player', externalId, data: { first_name: 'A', last_name: 'B', email, country: 'GB', currency: 'GBP' } },
      })
    ).body.data.id;

  it('answers a flipped byte with 500 DATA_UNREADABLE, never with wrong data', async () => {
    await tamper(await upsert('p_flip', 'flip@example.com'), (data) => {
      const envelope = data.email as string;
      const at = envelope.length - 5;
      return { ...data, email: envelope.slice(0, at) + (envelope[at] === 'A' ? 'B' : 'A') + envelope.slice(at + 1) };
    });
    const reply = await call(t.url, 'GET', '/operator-data-api/entities/p_flip', { key });
    expect([reply.status, reply.body.error]).toEqual([
      500,
      { code: 'DATA_UNREADABLE', message: 'Stored personal data could not be decrypted', details: { reason: 'ENVELOPE_TAMPERED' } },
    ]);
    expect(JSON.stringify(reply.body)).not.toContain('flip@example.com');
  });

  it('refuses a personal field whose value is no envelope at all (never serves what was put there)', async () => {
    const prefixId = await upsert('p_prefix', 'prefix@example.com');
    await tamper(prefixId, (data) => ({ ...data, email: (data.email as string).replace(/^oh1\./, 'oh2.') }));
    const reply = await call(t.url, 'GET', '/operator-data-api/entities/p_prefix', { key });
    expect([reply.status, reply.body.error.code, reply.body.error.details]).toEqual([500, 'DATA_UNREADABLE', { reason: 'ENVELOPE_MALFORMED' }]);
    await tamper(prefixId, (data) => ({ ...data, email: 'planted@example.com' }));
    const planted = await call(t.url, 'GET', '/operator-data-api/entities/p_prefix', { key });
    expect([planted.status, planted.body.error.code]).toEqual([500, 'DATA_UNREADABLE']);
  });

  it('refuses an envelope moved to another field of the same entity, or to another entity', async () => {
    const oneId = await upsert('p_one', 'one@example.com');
    const twoId = await upsert('p_two', 'two@example.com');
    await tamper(oneId, (data) => ({ ...data, first_name: data.email }));
    const moved = await call(t.url, 'GET', '/operator-data-api/entities/p_one', { key });
    expect([moved.status, moved.body.error.code]).toEqual([500, 'DATA_UNREADABLE']);

    const two = (await t.app.runtime.stores.read.get(Collections.entities, twoId)) as EntityView;
    await tamper(await upsert('p_three', 'three@example.com'), (data) => ({ ...data, email: two.data.email }));
    const swapped = await call(t.url, 'GET', '/operator-data-api/entities/p_three', { key });
    expect(swapped.status).toBe(500);
    expect(swapped.body.error.code).toBe('DATA_UNREADABLE');
    expect(JSON.stringify(swapped.body)).not.toContain('two@example.com');
  });
});
