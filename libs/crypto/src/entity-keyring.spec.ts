import { randomBytes } from 'node:crypto';
import type { KeyStore, WrappedDataKey } from '@onehazel/key-store';
import { EntityKeyring, type EntityKeyringOptions } from './entity-keyring';
import { CryptoError, open, seal } from './envelope';
import { MasterKeys } from './master-keys';

/** An in-memory KeyStore with the port's semantics, counting calls. */
class FakeKeyStore implements KeyStore {
  readonly rows = new Map<string, WrappedDataKey>();
  readonly calls = { create: 0, get: 0, rewrap: 0, destroy: 0, list: 0 };

  private static slot(operatorId: string, entityId: string): string {
    return `${operatorId}|${entityId}`;
  }

  async create(key: WrappedDataKey): Promise<WrappedDataKey> {
    this.calls.create += 1;
    const slot = FakeKeyStore.slot(key.operatorId, key.entityId);
    const existing = this.rows.get(slot);
    if (existing) return existing;
    this.rows.set(slot, { ...key });
    return key;
  }

  async get(operatorId: string, entityId: string): Promise<WrappedDataKey | null> {
    this.calls.get += 1;
    return this.rows.get(FakeKeyStore.slot(operatorId, entityId)) ?? null;
  }

  async rewrap(expected: WrappedDataKey, masterKeyId: string, wrapped: string): Promise<boolean> {
    this.calls.rewrap += 1;
    const slot = FakeKeyStore.slot(expected.operatorId, expected.entityId);
    const existing = this.rows.get(slot);
    if (!existing || existing.keyId !== expected.keyId || existing.version !== expected.version || existing.wrapped !== expected.wrapped) {
      return false;
    }
    this.rows.set(slot, { ...existing, masterKeyId, wrapped });
    return true;
  }

  async destroy(operatorId: string, entityId: string): Promise<boolean> {
    this.calls.destroy += 1;
    return this.rows.delete(FakeKeyStore.slot(operatorId, entityId));
  }

  async listWrappedWithOther(masterKeyId: string, limit: number): Promise<WrappedDataKey[]> {
    this.calls.list += 1;
    return [...this.rows.values()].filter((row) => row.masterKeyId !== masterKeyId).slice(0, limit);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  /** Replaces a stored row, as an attacker or a botched restore with write access to the store could. */
  put(operatorId: string, entityId: string, row: WrappedDataKey): void {
    this.rows.set(FakeKeyStore.slot(operatorId, entityId), row);
  }

  row(operatorId: string, entityId: string): WrappedDataKey {
    const row = this.rows.get(FakeKeyStore.slot(operatorId, entityId));
    if (!row) throw new Error('no row');
    return row;
  }
}

const OP = 'op_1111111111111111';
const OTHER_OP = 'op_2222222222222222';

/** Awaits `promise`, expecting a CryptoError; fails the test if it answers anything. */
async function failure(promise: Promise<unknown>): Promise<CryptoError> {
  const outcome = await promise.then(
    (answered) => ({ answered }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a CryptoError, got ${JSON.stringify(outcome.answered)}`);
  expect(outcome.error).toBeInstanceOf(CryptoError);
  return outcome.error as CryptoError;
}

describe('EntityKeyring', () => {
  let store: FakeKeyStore;
  let clock: number;
  let m1: Buffer;
  let m2: Buffer;

  const keyring = (options: Partial<EntityKeyringOptions> = {}): Promise<EntityKeyring> =>
    EntityKeyring.create({ store, masterKeys: MasterKeys.from(m1), now: () => clock, ...options });

  beforeEach(() => {
    store = new FakeKeyStore();
    clock = 1_000_000;
    m1 = randomBytes(32);
    m2 = randomBytes(32);
  });

  it('answers null for an unknown entity without creating a key', async () => {
    const ring = await keyring();
    expect(await ring.forEntity(OP, 'ent_a', { create: false })).toBeNull();
    expect(store.calls.create).toBe(0);
    expect(store.rows.size).toBe(0);
  });

  it('creates a random 32-byte key, version 1, stored only in wrapped form under the current master', async () => {
    const ring = await keyring();
    const key = await ring.forEntity(OP, 'ent_a', { create: true });
    expect(key).not.toBeNull();
    expect(key!.key).toHaveLength(32);
    expect(key!.version).toBe(1);
    expect(key!.keyId).toMatch(/^dk_[0-9a-f]{24}$/);
    const row = store.row(OP, 'ent_a');
    expect(row).toMatchObject({ operatorId: OP, entityId: 'ent_a', keyId: key!.keyId, version: 1 });
    expect(row.masterKeyId).toBe(MasterKeys.from(m1).current.id);
    for (const encoding of ['hex', 'base64', 'base64url'] as const) {
      expect(JSON.stringify(row)).not.toContain(key!.key.toString(encoding));
    }
    // Another entity gets another key; another process (fresh keyring) reads the same key back.
    const other = await ring.forEntity(OP, 'ent_b', { create: true });
    expect(other!.keyId).not.toBe(key!.keyId);
    expect(other!.key.equals(key!.key)).toBe(false);
    const again = await (await keyring()).forEntity(OP, 'ent_a', { create: false });
    expect(again!.keyId).toBe(key!.keyId);
    expect(again!.key.equals(key!.key)).toBe(true);
  });

  it('lets the first writer win when two processes create the same entity key at once', async () => {
    const [a, b] = await Promise.all([keyring(), keyring()]);
    const [ka, kb] = await Promise.all([a.forEntity(OP, 'ent_a', { create: true }), b.forEntity(OP, 'ent_a', { create: true })]);
    expect(store.calls.create).toBe(2);
    expect(ka!.keyId).toBe(kb!.keyId);
    expect(ka!.key.equals(kb!.key)).toBe(true);
    const envelope = seal(ka!, { operatorId: OP, entityId: 'ent_a', field: 'email' }, 'x@example.com');
    expect(open(kb!, { operatorId: OP, entityId: 'ent_a', field: 'email' }, envelope)).toBe('x@example.com');
  });

  it('serves keys from its cache within the TTL and reads the store again after it', async () => {
    const ring = await keyring({ cacheTtlMs: 30_000 });
    const key = await ring.forEntity(OP, 'ent_a', { create: true });
    const reads = store.calls.get;
    for (let i = 0; i < 5; i += 1) {
      clock += 5_000;
      expect((await ring.forEntity(OP, 'ent_a', { create: false }))!.keyId).toBe(key!.keyId);
    }
    expect(store.calls.get).toBe(reads);
    clock += 5_001; // 30 001 ms after the key was cached
    expect((await ring.forEntity(OP, 'ent_a', { create: false }))!.keyId).toBe(key!.keyId);
    expect(store.calls.get).toBe(reads + 1);
  });

  it('holds at most cacheMax keys and reads the store for the ones evicted', async () => {
    const ring = await keyring({ cacheMax: 1 });
    await ring.forEntity(OP, 'ent_a', { create: true });
    await ring.forEntity(OP, 'ent_b', { create: true });
    const reads = store.calls.get;
    await ring.forEntity(OP, 'ent_b', { create: false });
    expect(store.calls.get).toBe(reads);
    await ring.forEntity(OP, 'ent_a', { create: false });
    expect(store.calls.get).toBe(reads + 1);
  });

  it('destroy erases the key: null without create, a new key id with create, old envelopes unreadable', async () => {
    const ring = await keyring();
    const context = { operatorId: OP, entityId: 'ent_a', field: 'email' };
    const key = await ring.forEntity(OP, 'ent_a', { create: true });
    const envelope = seal(key!, context, 'james.wilson@example.com');
    expect(await ring.destroy(OP, 'ent_a')).toBe(true);
    expect(store.rows.size).toBe(0);
    expect(await ring.forEntity(OP, 'ent_a', { create: false })).toBeNull();
    const fresh = await ring.forEntity(OP, 'ent_a', { create: true });
    expect(fresh!.keyId).not.toBe(key!.keyId);
    expect(fresh!.key.equals(key!.key)).toBe(false);
    expect((await failure(Promise.resolve().then(() => open(fresh!, context, envelope)))).code).toBe('KEY_MISMATCH');
    expect(await ring.destroy(OP, 'ent_unknown')).toBe(false);
  });

  it('another process keeps a destroyed key in its cache at most for the TTL', async () => {
    const writer = await keyring({ cacheTtlMs: 30_000 });
    const reader = await keyring({ cacheTtlMs: 30_000 });
    await writer.forEntity(OP, 'ent_a', { create: true });
    expect(await reader.forEntity(OP, 'ent_a', { create: false })).not.toBeNull();
    await writer.destroy(OP, 'ent_a');
    clock += 29_000;
    expect(await reader.forEntity(OP, 'ent_a', { create: false })).not.toBeNull();
    clock += 1_001;
    expect(await reader.forEntity(OP, 'ent_a', { create: false })).toBeNull();
  });

  it('refuses a tampered wrapping, a wrapping moved to another entity or operator, with KEY_UNWRAP_FAILED', async () => {
    const ring = await keyring();
    await ring.forEntity(OP, 'ent_a', { create: true });
    await ring.forEntity(OP, 'ent_b', { create: true });
    await ring.forEntity(OTHER_OP, 'ent_a', { create: true });
    const rowA = store.row(OP, 'ent_a');
    const bytes = Buffer.from(rowA.wrapped, 'base64url');
    bytes[20] = bytes[20]! ^ 0x01;

    store.put(OP, 'ent_c', { ...rowA, entityId: 'ent_c' });
    store.put(OP, 'ent_d', { ...rowA, entityId: 'ent_d', wrapped: bytes.toString('base64url') });
    store.put(OTHER_OP, 'ent_e', { ...store.row(OTHER_OP, 'ent_a'), entityId: 'ent_e' });
    store.put(OTHER_OP, 'ent_a', { ...rowA, operatorId: OTHER_OP }); // same entity id, other operator's KEK
    store.put(OP, 'ent_f', { ...rowA, entityId: 'ent_f', wrapped: rowA.wrapped.slice(0, -4) });
    store.put(OP, 'ent_b', { ...store.row(OP, 'ent_b'), keyId: 'dk_000000000000000000000000' });

    const fresh = await keyring();
    for (const [operatorId, entityId] of [
      [OP, 'ent_c'],
      [OP, 'ent_d'],
      [OTHER_OP, 'ent_e'],
      [OTHER_OP, 'ent_a'],
      [OP, 'ent_f'],
      [OP, 'ent_b'],
    ] as const) {
      const error = await failure(fresh.forEntity(operatorId, entityId, { create: false }));
      expect(error.code).toBe('KEY_UNWRAP_FAILED');
    }
    expect((await fresh.forEntity(OP, 'ent_a', { create: false }))!.key).toHaveLength(32);
  });

  describe('master-key rotation', () => {
    const context = (entityId: string) => ({ operatorId: OP, entityId, field: 'last_name' });

    async function sealUnderOldMaster(entities: string[]): Promise<Map<string, string>> {
      const old = await keyring({ masterKeys: MasterKeys.from(m1) });
      const envelopes = new Map<string, string>();
      for (const entityId of entities) {
        const key = await old.forEntity(OP, entityId, { create: true });
        envelopes.set(entityId, seal(key!, context(entityId), `Wilson-${entityId}`));
      }
      return envelopes;
    }

    it('keeps keys wrapped by the old master readable while it is configured as previous', async () => {
      const envelopes = await sealUnderOldMaster(['ent_a', 'ent_b']);
      const rotated = await keyring({ masterKeys: MasterKeys.from(m2, [m1]) });
      for (const [entityId, envelope] of envelopes) {
        const key = await rotated.forEntity(OP, entityId, { create: false });
        expect(open(key!, context(entityId), envelope)).toBe(`Wilson-${entityId}`);
      }
      // New keys are wrapped by the current master.
      await rotated.forEntity(OP, 'ent_new', { create: true });
      expect(store.row(OP, 'ent_new').masterKeyId).toBe(MasterKeys.from(m2).current.id);
    });

    it('fails with UNKNOWN_MASTER_KEY when the old master is not configured', async () => {
      await sealUnderOldMaster(['ent_a']);
      const withoutOld = await keyring({ masterKeys: MasterKeys.from(m2) });
      const error = await failure(withoutOld.forEntity(OP, 'ent_a', { create: false }));
      expect(error.code).toBe('UNKNOWN_MASTER_KEY');
      expect(error.message).toContain(MasterKeys.from(m1).current.id);
      // Creating does not silently replace the unreadable key either.
      expect((await failure(withoutOld.forEntity(OP, 'ent_a', { create: true }))).code).toBe('UNKNOWN_MASTER_KEY');
      expect((await failure(withoutOld.rewrapAll())).code).toBe('UNKNOWN_MASTER_KEY');
    });

    it('rewrapAll moves every key to the current master, page by page, after which the old master can go', async () => {
      const entities = Array.from({ length: 150 }, (_, i) => `ent_${String(i).padStart(3, '0')}`);
      const envelopes = await sealUnderOldMaster(entities);
      const rotated = await keyring({ masterKeys: MasterKeys.from(m2, [m1]) });
      await rotated.forEntity(OP, 'ent_new', { create: true });
      const progress: number[] = [];
      expect(await rotated.rewrapAll((count) => progress.push(count))).toBe(150);
      expect(progress).toEqual([100, 150]);
      const currentId = MasterKeys.from(m2).current.id;
      expect([...store.rows.values()].every((row) => row.masterKeyId === currentId)).toBe(true);
      expect(await rotated.rewrapAll()).toBe(0);

      const withoutOld = await keyring({ masterKeys: MasterKeys.from(m2) });
      for (const entityId of ['ent_000', 'ent_077', 'ent_149']) {
        const key = await withoutOld.forEntity(OP, entityId, { create: false });
        expect(open(key!, context(entityId), envelopes.get(entityId)!)).toBe(`Wilson-${entityId}`);
      }
    });
  });

  it('is immutable and validates its inputs', async () => {
    const ring = await keyring();
    expect(Object.isFrozen(ring)).toBe(true);
    expect((await failure(ring.forEntity('', 'ent_a', { create: true }))).code).toBe('INVALID_CONTEXT');
    expect((await failure(ring.forEntity(OP, '', { create: true }))).code).toBe('INVALID_CONTEXT');
    await expect(keyring({ cacheMax: 0 })).rejects.toThrow(RangeError);
  });
});
