/**
 * `npm run bench`: figures for the embedded backend on this machine. Prints, never asserts.
 *   - event store: appends per second (one event per append, each its own fsync'd transaction)
 *   - projector: events projected per second in a rebuild
 *   - HTTP: latency of POST /platform-api/operators (includes read-your-writes) and of GET by id
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { randomUuid } from '@onehazel/crypto';
import { SqliteEventStore } from '@onehazel/event-store';
import { allProjections, Projector } from '@onehazel/projections';
import { SqliteReadStore } from '@onehazel/read-store';
import { createLogger, loadConfig } from '@onehazel/runtime';
import { createApp } from '../../apps/api/src/app';
import { PlatformAdmin } from '../../apps/cli/src/platform-admin';

const APPENDS = Number(process.env.BENCH_APPENDS ?? 3000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);

function bar(label: string, total: number): SingleBar {
  const progress = new SingleBar({ format: `${label.padEnd(22)} [{bar}] {value}/{total}`, stream: process.stderr });
  progress.start(total, 0);
  return progress;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function latency(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return `mean ${mean.toFixed(2)} ms, p50 ${percentile(sorted, 50).toFixed(2)} ms, p95 ${percentile(sorted, 95).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`;
}

async function benchStores(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const events = new SqliteEventStore(join(dir, 'events.db'));
  const progress = bar('appends', APPENDS);
  const started = performance.now();
  for (let i = 0; i < APPENDS; i++) {
    const operatorId = `op_${i.toString(16).padStart(16, '0')}`;
    await events.append(
      `operator-${operatorId}`,
      [
        {
          id: randomUuid(),
          type: 'OperatorCreated',
          data: { operatorId, platformId: 'plt_bench', name: `Op ${i}`, plan: 'starter', contactEmail: `op${i}@example.com`, industry: null, createdAt: new Date().toISOString() },
          metadata: { schemaVersion: 1 },
        },
      ],
      'no_stream',
    );
    if (i % 100 === 0) progress.update(i);
  }
  progress.update(APPENDS);
  progress.stop();
  const appendSeconds = (performance.now() - started) / 1000;

  const read = new SqliteReadStore(join(dir, 'read.db'));
  const projector = new Projector(events, read, allProjections);
  await projector.init();
  const rebuild = bar('projector rebuild', APPENDS);
  const rebuildStarted = performance.now();
  await projector.rebuild((position) => rebuild.update(Number(position.commit)));
  rebuild.stop();
  const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
  await read.close();
  await events.close();
  return [
    `event store append (SQLite, synchronous=FULL): ${(APPENDS / appendSeconds).toFixed(0)} appends/s (${APPENDS} in ${appendSeconds.toFixed(2)} s)`,
    `projector rebuild: ${(APPENDS / rebuildSeconds).toFixed(0)} events/s (${APPENDS} in ${rebuildSeconds.toFixed(2)} s)`,
  ];
}

async function benchHttp(dir: string): Promise<string[]> {
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const app = await createApp(loadConfig({ DATA_DIR: dir, HOST: '127.0.0.1', PORT: '0', RATE_LIMIT_PLATFORM: '1000000', RATE_LIMIT_PROFESSIONAL: '1000000' }), createLogger('error', silent));
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.app.getHttpServer().address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const { key } = await new PlatformAdmin(app.runtime.stores, app.runtime.projector).register('Bench');
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const creates: number[] = [];
  const reads: number[] = [];
  const ids: string[] = [];
  const progress = bar('HTTP create + read', REQUESTS);
  for (let i = 0; i < REQUESTS; i++) {
    let started = performance.now();
    const response = await fetch(`${url}/platform-api/operators`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: `Bench ${i}`, contactEmail: `bench${i}@example.com`, plan: 'professional' }),
    });
    const body = (await response.json()) as { data: { id: string } };
    creates.push(performance.now() - started);
    ids.push(body.data.id);
    started = performance.now();
    await (await fetch(`${url}/platform-api/operators/${body.data.id}`, { headers })).json();
    reads.push(performance.now() - started);
    progress.update(i + 1);
  }
  progress.stop();
  const issued = (await (
    await fetch(`${url}/platform-api/operators/${ids[0]}/api-keys`, { method: 'POST', headers, body: '{}' })
  ).json()) as { data: { key: string } };
  const keyHeaders = { authorization: `Bearer ${issued.data.key}` };
  const authed: number[] = [];
  const listing = bar('HTTP GET /api-keys', REQUESTS);
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    await (await fetch(`${url}/api-keys`, { headers: keyHeaders })).json();
    authed.push(performance.now() - started);
    listing.update(i + 1);
  }
  listing.stop();

  const dataKey = { authorization: `Bearer ${issued.data.key}`, 'content-type': 'application/json' };
  await fetch(`${url}/operator-data-api/settings`, { method: 'PUT', headers: dataKey, body: JSON.stringify({ template: 'igaming' }) });
  const upserts: number[] = [];
  const decrypts: number[] = [];
  const entities = bar('HTTP entities', REQUESTS);
  for (let i = 0; i < REQUESTS; i++) {
    const body = {
      entityType: 'player',
      externalId: `player_${i}`,
      data: { first_name: 'James', last_name: 'Wilson', email: `p${i}@example.com`, country: 'GB', currency: 'GBP', date_of_birth: '1992-03-15' },
    };
    let started = performance.now();
    await (await fetch(`${url}/operator-data-api/entities`, { method: 'POST', headers: dataKey, body: JSON.stringify(body) })).json();
    upserts.push(performance.now() - started);
    started = performance.now();
    await (await fetch(`${url}/operator-data-api/entities/player_${i}`, { headers: keyHeaders })).json();
    decrypts.push(performance.now() - started);
    entities.update(i + 1);
  }
  entities.stop();
  const memory = process.memoryUsage();
  await app.close();
  return [
    `POST /platform-api/operators (append + read-your-writes wait), sequential: ${latency(creates)}`,
    `GET /platform-api/operators/:id, sequential: ${latency(reads)}`,
    `GET /api-keys (operator key auth: checksum, hash lookup, operator status), sequential: ${latency(authed)}`,
    `POST /operator-data-api/entities (new player: Ajv, new data key, 4 envelopes, append, wait), sequential: ${latency(upserts)}`,
    `GET /operator-data-api/entities/:externalId (4 fields decrypted, key cached), sequential: ${latency(decrypts)}`,
    `process memory after the HTTP run: rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`,
  ];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'oh-bench-'));
  try {
    const figures = [...(await benchStores(join(dir, 'stores'))), ...(await benchHttp(join(dir, 'http')))];
    process.stdout.write(`\nOneHazel bench (node ${process.version}, embedded SQLite backend)\n`);
    for (const line of figures) process.stdout.write(`  ${line}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
