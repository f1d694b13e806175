/**
 * Loads data into the product fast, without HTTP: the real command handlers, in this process, on the
 * product's data directory (the server child is stopped meanwhile).
 *
 *   - The first call sets a tenant up as a user would (a few requests through the app, injected without
 *     a socket): a platform registered as the CLI does, OPERATORS operators (so that a page of
 *     GET /platform-api/operators is full), the first with KEYS API keys and the igaming template.
 *   - Then players are upserted with UpsertEntityCommand on the CommandBus, CONCURRENCY in flight: validation,
 *     a new data key, sealed personal fields, an append, and the read-your-writes wait of every command,
 *     so everything is projected when seedProduct returns.
 */
import { Writable } from 'node:stream';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandContext } from '@onehazel/domain';
import { createLogger, loadConfig } from '@onehazel/runtime';
import { App, createApp } from '../apps/api/src/app';
import { UpsertEntityCommand } from '../apps/api/src/entities/commands/upsert-entity/upsert-entity.command';
import { player, playerId } from './players';

export type ProductTenant = Readonly<{ platformKey: string; operatorId: string; operatorKey: string; keyId: string }>;

export type SeedProductOptions = Readonly<{
  dataDir: string;
  /** null on the first call: the tenant is created. */
  tenant: ProductTenant | null;
  /** Players `from`..`to - 1` are upserted (externalIds player_<i>). */
  from: number;
  to: number;
  concurrency?: number;
  onProgress?: (done: number) => void;
}>;

export type SeedProductResult = Readonly<{ tenant: ProductTenant; entities: number; seconds: number; perSecond: number }>;

const OPERATORS = 20;
const KEYS = 3;
const CONCURRENCY = 128;

/** A log sink that drops everything (the seeding's own logs). */
export const silent = new Writable({ write: (_chunk, _encoding, done) => done() });

/** One request through the app, injected without a socket; throws on anything but a success. */
export async function request(app: App, method: 'GET' | 'POST' | 'PUT', url: string, key: string, body?: unknown): Promise<any> {
  const response = await app.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

async function createTenant(app: App): Promise<ProductTenant> {
  const platform = await app.runtime.admin.register('Bench Platform');
  let main: ProductTenant | null = null;
  for (let i = 0; i < OPERATORS; i++) {
    const created = await request(app, 'POST', '/platform-api/operators', platform.key, {
      name: `Bench Operator ${i}`,
      plan: 'professional',
      contactEmail: `ops${i}@bench.example.com`,
      industry: 'igaming',
    });
    if (i > 0) continue;
    const operatorId: string = created.data.id;
    const issued = await request(app, 'POST', `/platform-api/operators/${operatorId}/api-keys`, platform.key, { label: 'Bench key' });
    main = { platformKey: platform.key, operatorId, operatorKey: issued.data.key, keyId: issued.data.id };
    for (let k = 1; k < KEYS; k++) {
      await request(app, 'POST', '/api-keys', main.operatorKey, { operatorId, label: `Bench key ${k}` });
    }
    await request(app, 'PUT', '/operator-data-api/settings', main.operatorKey, { template: 'igaming' });
  }
  return main!;
}

function contextOf(tenant: ProductTenant, i: number): CommandContext {
  const requestId = `bench-seed-${i}`;
  return {
    actor: { kind: 'key', id: tenant.keyId },
    requestId,
    correlationId: requestId,
    causationId: requestId,
    at: new Date().toISOString(),
  };
}

export async function seedProduct(options: SeedProductOptions): Promise<SeedProductResult> {
  const config = loadConfig({ DATA_DIR: options.dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' });
  const app = await createApp(config, createLogger('warn', silent));
  try {
    const tenant = options.tenant ?? (await createTenant(app));
    const bus = app.app.get(CommandBus);
    const started = performance.now();
    let next = options.from;
    let done = 0;
    // CONCURRENCY workers, each taking the next index until all are upserted.
    const worker = async (): Promise<void> => {
      while (next < options.to) {
        const i = next++;
        await bus.execute(new UpsertEntityCommand(tenant.operatorId, 'player', playerId(i), player(i), contextOf(tenant, i)));
        if (++done % 100 === 0) options.onProgress?.(done);
      }
    };
    const workers = Math.max(1, Math.min(options.concurrency ?? CONCURRENCY, options.to - options.from));
    await Promise.all(Array.from({ length: workers }, worker));
    options.onProgress?.(done);
    const seconds = (performance.now() - started) / 1000;
    return { tenant, entities: done, seconds, perSecond: seconds > 0 ? done / seconds : 0 };
  } finally {
    await app.close();
  }
}
