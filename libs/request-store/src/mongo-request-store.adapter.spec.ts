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
