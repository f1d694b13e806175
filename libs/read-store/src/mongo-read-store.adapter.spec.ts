import { withMongo } from '@onehazel/storage/testing';
import { MongoReadStore } from './mongo-read-store.adapter';
import { readStoreContract } from './read-store.contract';

withMongo('MongoDB read store contract', 'libs/read-store', (url, dbName) => {
  readStoreContract('MongoDB', async () => {
    const store = new MongoReadStore(url, dbName);
    return { store, cleanup: () => store.close() };
  });
});
