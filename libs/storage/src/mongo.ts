import { MongoClient } from 'mongodb';

/**
 * The client's defaults (a `MONGODB_URL` option of the same name wins over them):
 * - every call ends: a server is chosen within 5 s, a connection opens within 5 s, a socket that says
 *   nothing for 30 s is closed, so a server that stops answering fails the call instead of holding it;
 * - reads go to the primary with majority read concern and writes wait for a majority, so that a read
 *   after a write (authentication after a revocation, the next command after a commit) sees it, and
 *   what a write acknowledged survives a failover.
 */
const DEFAULTS = {
  serverSelectionTimeoutMS: 5_000,
  connectTimeoutMS: 5_000,
  socketTimeoutMS: 30_000,
  readPreference: 'primary',
  readConcernLevel: 'majority',
  w: 'majority',
} as const;

/** The defaults the URL does not set itself (its own options win). */
function defaultsFor(url: string): Partial<typeof DEFAULTS> {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1).toLowerCase() : '';
  const given = new Set(query.split('&').map((part) => part.split('=')[0]));
  return Object.fromEntries(Object.entries(DEFAULTS).filter(([name]) => !given.has(name.toLowerCase())));
}

/**
 * A MongoDB client as every store uses it: `ignoreUndefined` (an undefined field is left out, as in
 * JSON and the SQLite stores), the DEFAULTS above, and an error that never repeats the URL, which may
 * hold a password. It connects on first use; `await client.connect()` to fail fast on a wrong URL or server.
 */
export function mongoClient(url: string): MongoClient {
  try {
    return new MongoClient(url, { ignoreUndefined: true, appName: 'onehazel', ...defaultsFor(url) });
  } catch {
    throw new Error('MONGODB_URL is not a valid MongoDB connection string');
  }
}
