import { InMemoryKeyStore } from './in-memory-key-store.adapter';
import { keyStoreContract } from './key-store.contract';
import { WrappedDataKey } from './key-store.port';

keyStoreContract('in memory', async () => {
  const store = new InMemoryKeyStore();
  return { store, cleanup: () => store.close() };
});

describe('InMemoryKeyStore', () => {
  const key: WrappedDataKey = {
    operatorId: 'op_1',
    entityId: 'ent_1',
    keyId: 'dk_1',
    version: 1,
    masterKeyId: 'mk_1',
    wrapped: 'wrapped-bytes',
    createdAt: '2026-03-01T12:00:00.000Z',
  };

  it('keeps a stored key from the caller’s changes to the object it gave or got', async () => {
    const store = new InMemoryKeyStore();
    const given = { ...key };
    await store.create(given);
    given.wrapped = 'changed';
    const read = (await store.get('op_1', 'ent_1')) as { wrapped: string };
    read.wrapped = 'changed too';
    expect(await store.get('op_1', 'ent_1')).toEqual(key);
  });

  it('keeps apart ids that a joined key could confuse', async () => {
    const store = new InMemoryKeyStore();
    await store.create({ ...key, operatorId: 'a:b', entityId: 'c' });
    expect(await store.get('a', 'b:c')).toBeNull();
    expect(await store.create({ ...key, operatorId: 'a', entityId: 'b:c', keyId: 'dk_2' })).toMatchObject({ keyId: 'dk_2' });
  });

  it('refuses use after close', async () => {
    const store = new InMemoryKeyStore();
    await store.close();
    await expect(store.ping()).rejects.toThrow(/closed/);
    await expect(store.get('op_1', 'ent_1')).rejects.toThrow(/closed/);
  });
});
