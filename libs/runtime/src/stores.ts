import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EventStore, EventStoreDbEventStore, SqliteEventStore } from '@onehazel/event-store';
import { MongoReadStore, ReadStore, SqliteReadStore } from '@onehazel/read-store';
import { KeyStore, MongoKeyStore, SqliteKeyStore } from '@onehazel/key-store';
import { MongoRequestStore, RequestStore, SqliteRequestStore } from '@onehazel/request-store';
import type { Config } from './config';

export type Stores = Readonly<{
  events: EventStore;
  read: ReadStore;
  /** Wrapped per-entity data keys: with the read models' backend (MongoDB, or DATA_DIR/keys.db). */
  keys: KeyStore;
  /** Rate-limit counters and idempotency records, shared by the instances (MongoDB, or DATA_DIR/requests.db). */
  requests: RequestStore;
  /** Where each store lives, for the start-up message (never with credentials). */
  description: { events: string; read: string };
  close(): Promise<void>;
}>;

/** Opens the backends the configuration names: EventStoreDB and MongoDB when their URLs are set, else SQLite files. */
export async function openStores(config: Config): Promise<Stores> {
  const needsDataDir = config.eventStoreUrl === null || config.mongoUrl === null;
  if (needsDataDir) mkdirSync(config.dataDir, { recursive: true });
  const events: EventStore = config.eventStoreUrl
    ? new EventStoreDbEventStore(config.eventStoreUrl, config.eventStoreMaxAppendBytes)
    : new SqliteEventStore(join(config.dataDir, 'events.db'), { pollIntervalMs: config.pollIntervalMs });
  const read: ReadStore = config.mongoUrl
    ? new MongoReadStore(config.mongoUrl, config.mongoDatabase)
    : new SqliteReadStore(join(config.dataDir, 'read.db'));
  const keys: KeyStore = config.mongoUrl
    ? new MongoKeyStore(config.mongoUrl, config.mongoDatabase)
    : new SqliteKeyStore(join(config.dataDir, 'keys.db'));
  const requests: RequestStore = config.mongoUrl
    ? new MongoRequestStore(config.mongoUrl, config.mongoDatabase)
    : new SqliteRequestStore(join(config.dataDir, 'requests.db'));
  return {
    events,
    read,
    keys,
    requests,
    description: {
      events: config.eventStoreUrl ? `EventStoreDB at ${redactUrl(config.eventStoreUrl)}` : join(config.dataDir, 'events.db'),
      read: config.mongoUrl ? `MongoDB at ${redactUrl(config.mongoUrl)}` : join(config.dataDir, 'read.db'),
    },
    async close() {
      await Promise.allSettled([events.close(), read.close(), keys.close(), requests.close()]);
    },
  };
}

/** Drops a URL's user name and password. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}
