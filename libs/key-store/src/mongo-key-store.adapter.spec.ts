import { withMongo } from '@onehazel/storage/testing';
import { keyStoreContract } from './key-store.contract';
import { MongoKeyStore } from './mongo-key-store.adapter';

withMongo('MongoDB key store contract', 'libs/key-store', (url, dbName) => {
  keyStoreContract('MongoDB', async () => {
    const store = new MongoKeyStore(url, dbName);
    return { store, cleanup: () => store.close() };
  });
});
