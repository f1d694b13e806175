import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { requestStoreContract } from './request-store.contract';
import { MongoRequestStore } from './mongo-request-store.adapter';

const url = process.env.MONGODB_URL;

if (url) {
  // One database per run, dropped at the end, so runs never see each other's data (sweep is store-wide).
  const dbName = `onehazel_contract_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  requestStoreContract('MongoDB', async () => {
    const store = new MongoRequestStore(url, dbName);
    return { store, cleanup: () => store.close() };
  });

  afterAll(async () => {
    const client = new MongoClient(url);
    try {
      await client.db(dbName).dropDatabase();
    } finally {
      await client.close();
    }
  });
} else {
  // Not console.info: Jest's default reporter drops the console output of a file whose tests are all skipped.
  process.stderr.write(
    'MongoDB request store contract skipped: set MONGODB_URL to a replica set (majority reads and writes), ' +
      'e.g. `MONGODB_URL=mongodb://localhost:27017/?replicaSet=rs0 npx jest libs/request-store`.\n',
  );
  describe.skip('MongoDB request store contract (skipped: set MONGODB_URL to run it)', () => {
    it('runs the RequestStore contract against MongoDB', () => undefined);
  });
}
