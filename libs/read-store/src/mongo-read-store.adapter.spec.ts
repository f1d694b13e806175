import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { readStoreContract } from './read-store.contract';
import { MongoReadStore } from './mongo-read-store.adapter';

const url = process.env.MONGODB_URL;

if (url) {
  // One database per run, dropped at the end, so runs never see each other's data.
  const dbName = `onehazel_contract_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  readStoreContract('MongoDB', async () => {
    const store = new MongoReadStore(url, dbName);
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
    'MongoDB adapter contract skipped: set MONGODB_URL to a replica set (transactions need one), ' +
      'e.g. `MONGODB_URL=mongodb://localhost:27017/?replicaSet=rs0 npx jest libs/read-store`.\n',
  );
  describe.skip('MongoDB adapter contract (skipped: set MONGODB_URL to run it)', () => {
    it('runs the ReadStore contract against MongoDB', () => undefined);
  });
}
