import { InMemoryRequestStore } from './in-memory-request-store.adapter';
import { requestStoreContract } from './request-store.contract';

requestStoreContract('in memory', async () => {
  const store = new InMemoryRequestStore();
  return { store, cleanup: () => store.close() };
});

describe('InMemoryRequestStore', () => {
  it('refuses use after close', async () => {
    const store = new InMemoryRequestStore();
    await store.close();
    await expect(store.ping()).rejects.toThrow(/closed/);
    await expect(store.hit('ip:1', 60_000, 0)).rejects.toThrow(/closed/);
  });
});
