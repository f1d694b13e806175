import { withMongo } from '@onehazel/storage/testing';
import { MongoRequestStore } from './mongo-request-store.adapter';
import { requestStoreContract } from './request-store.contract';

// One database per run (sweep is store-wide), dropped at the end.
withMongo('MongoDB request store contract', 'libs/request-store', (url, dbName) => {
  requestStoreContract('MongoDB', async () => {
    const store = new MongoRequestStore(url, dbName);
    return { store, cleanup: () => store.close() };
  });
});

describe('MongoRequestStore snapshots, with no server', () => {
  it('skips a snapshot over 15 MiB without a round trip: MongoDB documents hold 16 MiB at most', async () => {
    // Nothing listens on port 9: any round trip would fail, after the server selection timeout.
    const store = new MongoRequestStore('mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200', 'none');
    try {
      const state = JSON.stringify({ children: 'é'.repeat(8 * 1024 * 1024) }); // 16 MiB of UTF-8, in 8 Mi characters
      await expect(store.saveSnapshot({ stream: 'optokens-op_1', revision: 1n, position: '1/1', state })).resolves.toBeUndefined();
      await expect(store.saveSnapshot({ stream: 'optokens-op_1', revision: -1n, position: '1/1', state })).rejects.toThrow(RangeError);
      // Just under the limit it does go to the server (which is not there).
      const under = 'x'.repeat(15 * 1024 * 1024 - 100);
      await expect(store.saveSnapshot({ stream: 'optokens-op_1', revision: 1n, position: '1/1', state: under })).rejects.toThrow();
    } finally {
      await store.close();
    }
  });
});
