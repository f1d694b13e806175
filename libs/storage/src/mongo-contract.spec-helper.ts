import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';

/**
 * Runs a MongoDB adapter's contract suite when MONGODB_URL is set, on a database of its own that is
 * dropped at the end; otherwise says, visibly, that it was skipped and how to run it.
 */
export function withMongo(what: string, jestPath: string, run: (url: string, dbName: string) => void): void {
  const url = process.env.MONGODB_URL;
  if (!url) {
    // Not console.info: Jest's default reporter drops the console output of a file whose tests are all skipped.
    process.stderr.write(
      `${what} skipped: set MONGODB_URL to a replica set (transactions and majority reads need one), ` +
        `e.g. \`MONGODB_URL=mongodb://localhost:27017/?replicaSet=rs0 npx jest ${jestPath}\`.\n`,
    );
    describe.skip(`${what} (skipped: set MONGODB_URL to run it)`, () => {
      it(`runs the ${what} against MongoDB`, () => undefined);
    });
    return;
  }
  const dbName = `onehazel_contract_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  run(url, dbName);
  afterAll(async () => {
    const client = new MongoClient(url);
    try {
      await client.db(dbName).dropDatabase();
    } finally {
      await client.close();
    }
  });
}
