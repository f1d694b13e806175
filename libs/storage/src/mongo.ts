import { MongoClient } from 'mongodb';

/**
 * A MongoDB client as every store uses it: `ignoreUndefined` (an undefined field is left out, as in
 * JSON and the SQLite stores), and an error that never repeats the URL, which may hold a password.
 * It connects on first use; `await client.connect()` to fail fast on a wrong URL or server.
 */
export function mongoClient(url: string): MongoClient {
  try {
    return new MongoClient(url, { ignoreUndefined: true, appName: 'onehazel' });
  } catch {
    throw new Error('MONGODB_URL is not a valid MongoDB connection string');
  }
}
