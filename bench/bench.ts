/**
 * `npm run bench` (issue "Scale and speed"): the product's throughput, latency and memory at growing
 * data sizes, side by side in one run with
 *   - a ceiling: a bare node:http server answering the product's entity GET body, precomputed;
 *   - a peer: the same entity GET and upsert written plainly (Fastify, better-sqlite3, node:crypto).
 * For each size (BENCH_SIZES, default 1000,10000,100000 entities held by one operator), the product and
 * the peer are loaded up to the size (the product through its command handlers, in this process, with
 * its server stopped), started as child processes, and loaded with autocannon from this process.
 * Then the projections are rebuilt over the product's largest log. Prints markdown tables on stdout,
 * progress on stderr, and writes bench/results.json. It measures and reports; it asserts nothing.
 *
 * Env: BENCH_SIZES, BENCH_DURATION_S (measured seconds per row, default 10), BENCH_WARMUP_S (default 2),
 * BENCH_CONNECTIONS (default 50).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type autocannon from 'autocannon';
import { Child, killAllChildren, startChild } from './children';
import { LoadFigures, LoadSpec, measure } from './load';
import { countPeerEntities, PeerTenant, removeUpserted, seedPeer } from './peer/seed';
import { player, playerId, upsertBody } from './players';
import { ProductTenant, seedProduct } from './product-seed';
import { note, progress } from './progress';
import { measureRebuild } from './rebuild';
import { machine, markdown, Results, RunRecord, SeedRecord, Server, StartupRecord, withRatios, writeResults } from './report';

const ROOT = resolve(__dirname, '..', '..'); // dist/bench -> the repository
const PRODUCT_MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
const PEER_MAIN = join(__dirname, 'peer', 'server.js');
const CEILING_MAIN = join(__dirname, 'ceiling', 'server.js');
const RESULTS_FILE = join(ROOT, 'bench', 'results.json');

const REQUESTS = {
  get: 'entity GET',
  upsert: 'entity upsert',
  keys: 'key list',
  operators: 'operator list',
} as const;
const SERVER_ORDER: Server[] = ['ceiling', 'peer', 'product'];
const REQUEST_ORDER: string[] = Object.values(REQUESTS);

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

function settings(): Results['settings'] {
  const sizes = (process.env.BENCH_SIZES?.trim() || '1000,10000,100000').split(',').map((s) => Number(s.trim()));
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new Error(`BENCH_SIZES must be whole numbers from 1, got "${process.env.BENCH_SIZES}"`);
  const durationS = Math.max(1, positiveInt('BENCH_DURATION_S', 10));
  return {
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    durationS,
    warmupS: positiveInt('BENCH_WARMUP_S', Math.min(2, durationS)),
    connections: Math.max(1, positiveInt('BENCH_CONNECTIONS', 50)),
  };
}

const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

/** GET of a random one of the first `players` seeded players: a point read over the whole data set. */
function entityGet(key: string, players: number): autocannon.RequestSpec[] {
  return [
    {
      method: 'GET',
      headers: bearer(key),
      setupRequest: (request) => ({ ...request, path: `/operator-data-api/entities/${playerId(randomInt(players))}` }),
    },
  ];
}

/** The externalIds of the upsert runs start with this (the seeded players' with player_). */
const UPSERTED = 'bench_';

/** POST of a new player each request (an externalId never used before): a create, with a new data key. */
function entityUpsert(key: string, tag: string): autocannon.RequestSpec[] {
  let n = 0;
  return [
    {
      method: 'POST',
      path: '/operator-data-api/entities',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      setupRequest: (request) => {
        const i = n++;
        return { ...request, body: upsertBody(`${UPSERTED}${tag}_${i}`, i) };
      },
    },
  ];
}

const plainGet = (path: string, key: string): autocannon.RequestSpec[] => [{ method: 'GET', path, headers: bearer(key) }];

/** One GET checked for sense before the load (decrypted e-mail of player 0); its body feeds the ceiling. */
async function checkedEntity(child: Child, key: string): Promise<string> {
  const response = await fetch(`${child.url}/operator-data-api/entities/${playerId(0)}`, { headers: bearer(key) });
  const text = await response.text();
  const parsed = JSON.parse(text) as { data?: { data?: { email?: unknown } } };
  if (response.status !== 200 || parsed.data?.data?.email !== player(0).email) {
    throw new Error(`${child.name}: GET of ${playerId(0)} answered ${response.status} ${text.slice(0, 300)}`);
  }
  return text;
}

type Collected = { runs: RunRecord[]; startups: StartupRecord[]; seeding: SeedRecord[] };

class Bench {
  readonly collected: Collected = { runs: [], startups: [], seeding: [] };
  private readonly productDir: string;
  private readonly peerFile: string;
  private productTenant: ProductTenant | null = null;
  /**
   * Players seeded so far (player_0..n-1) and entities held (players and upserted ones). The product
   * keeps what its upsert runs create (the next size loads only the difference); the peer's are removed
   * after each run, and the peer is loaded to what the product held, so both answer over the same count.
   */
  private readonly product = { players: 0, held: 0, heldAtStart: 0 };
  private readonly peer = { players: 0 };
  private readonly peerTenant: PeerTenant = {
    operatorId: 'op_peer_bench',
    apiKey: `oh_live_${randomBytes(32).toString('hex')}`,
    masterKey: randomBytes(32),
  };
  private ceilingBody = '';

  constructor(
    scratch: string,
    private readonly config: Results['settings'],
  ) {
    this.productDir = join(scratch, 'product');
    this.peerFile = join(scratch, 'peer', 'peer.db');
    mkdirSync(join(scratch, 'peer'), { recursive: true });
  }

  get productEventsFile(): string {
    return join(this.productDir, 'events.db');
  }

  private spec(label: string, url: string, requests: autocannon.RequestSpec[]): LoadSpec {
    return { label, url, requests, connections: this.config.connections, durationS: this.config.durationS, warmupS: this.config.warmupS };
  }

  private record(size: number, entities: number, server: Server, request: string, figures: LoadFigures): LoadFigures {
    this.collected.runs.push({ ...figures, size, entities, server, request, vsPeer: null, vsCeiling: null });
    return figures;
  }

  get productEntities(): number {
    return this.product.held;
  }

  private async withServer(size: number, server: Server, start: () => Promise<Child>, body: (child: Child) => Promise<void>): Promise<void> {
    const child = await start();
    this.collected.startups.push({ size, server, startupMs: Math.round(child.startupMs) });
    try {
      await body(child);
    } finally {
      await child.stop();
    }
  }

  async productAt(size: number): Promise<void> {
    const toLoad = Math.max(0, size - this.product.held);
    const bar = progress(`product: loading ${toLoad} entities (commands)`, toLoad, 'entities');
    const seeded = await seedProduct({
      dataDir: this.productDir,
      tenant: this.productTenant,
      from: this.product.players,
      to: this.product.players + toLoad,
      onProgress: (done) => bar.update(done),
    });
    bar.done(`${Math.round(seeded.perSecond)} entities/s`);
    this.productTenant = seeded.tenant;
    this.product.players += toLoad;
    this.product.held += toLoad;
    const held = (this.product.heldAtStart = this.product.held);
    this.collected.seeding.push({ size, server: 'product', entities: seeded.entities, seconds: seeded.seconds, perSecond: seeded.perSecond });

    const tenant = seeded.tenant;
    const env = {
      DATA_DIR: this.productDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_STARTER: '1000000',
      RATE_LIMIT_PROFESSIONAL: '1000000',
      RATE_LIMIT_ENTERPRISE: '1000000',
      RATE_LIMIT_PLATFORM: '1000000',
    };
    await this.withServer(size, 'product', () => startChild('product', PRODUCT_MAIN, env), async (child) => {
      this.ceilingBody = await checkedEntity(child, tenant.operatorKey);
      const at = `product @${size}`;
      this.record(size, held, 'product', REQUESTS.get, await measure(child, this.spec(`${at} ${REQUESTS.get}`, child.url, entityGet(tenant.operatorKey, this.product.players))));
      this.record(size, held, 'product', REQUESTS.keys, await measure(child, this.spec(`${at} ${REQUESTS.keys}`, child.url, plainGet('/api-keys', tenant.operatorKey))));
      this.record(
        size,
        held,
        'product',
        REQUESTS.operators,
        await measure(child, this.spec(`${at} ${REQUESTS.operators}`, child.url, plainGet('/platform-api/operators?limit=20', tenant.platformKey))),
      );
      // Last: it adds entities (counted in what the next size loads).
      const upserts = this.record(
        size,
        held,
        'product',
        REQUESTS.upsert,
        await measure(child, this.spec(`${at} ${REQUESTS.upsert}`, child.url, entityUpsert(tenant.operatorKey, `p${size}`))),
      );
      this.product.held += upserts.ok2xx + upserts.warmup2xx;
    });
  }

  async peerAt(size: number): Promise<void> {
    const held = Math.max(size, this.product.heldAtStart);
    const toLoad = Math.max(0, held - countPeerEntities(this.peerFile));
    const bar = progress(`peer: loading ${toLoad} entities (SQLite)`, toLoad, 'entities');
    const started = performance.now();
    seedPeer(this.peerFile, this.peerTenant, this.peer.players, this.peer.players + toLoad, (done) => bar.update(done));
    const seconds = (performance.now() - started) / 1000;
    bar.done(`${Math.round(toLoad / seconds)} entities/s`);
    this.peer.players += toLoad;
    this.collected.seeding.push({ size, server: 'peer', entities: toLoad, seconds, perSecond: toLoad / seconds });

    const key = this.peerTenant.apiKey;
    const env = { PEER_DB: this.peerFile, PEER_MASTER_KEY: this.peerTenant.masterKey.toString('base64'), HOST: '127.0.0.1', PORT: '0' };
    await this.withServer(size, 'peer', () => startChild('peer', PEER_MAIN, env), async (child) => {
      await checkedEntity(child, key);
      const at = `peer @${size}`;
      this.record(size, held, 'peer', REQUESTS.get, await measure(child, this.spec(`${at} ${REQUESTS.get}`, child.url, entityGet(key, this.peer.players))));
      this.record(size, held, 'peer', REQUESTS.upsert, await measure(child, this.spec(`${at} ${REQUESTS.upsert}`, child.url, entityUpsert(key, `p${size}`))));
    });
    removeUpserted(this.peerFile, UPSERTED);
  }

  /** The same entity GET request, answered by the fixed body the product answered for player_0. */
  async ceilingAt(size: number): Promise<void> {
    const env = { CEILING_BODY: this.ceilingBody, HOST: '127.0.0.1', PORT: '0' };
    await this.withServer(size, 'ceiling', () => startChild('ceiling', CEILING_MAIN, env), async (child) => {
      const requests = plainGet(`/operator-data-api/entities/${playerId(0)}`, this.peerTenant.apiKey);
      this.record(size, 0, 'ceiling', REQUESTS.get, await measure(child, this.spec(`ceiling @${size} ${REQUESTS.get}`, child.url, requests)));
    });
  }
}

function sorted(runs: RunRecord[]): RunRecord[] {
  return [...runs].sort(
    (a, b) =>
      a.size - b.size ||
      SERVER_ORDER.indexOf(a.server) - SERVER_ORDER.indexOf(b.server) ||
      REQUEST_ORDER.indexOf(a.request) - REQUEST_ORDER.indexOf(b.request),
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = settings();
  const scratch = mkdtempSync(join(tmpdir(), 'oh-bench-'));
  const abort = (signal: NodeJS.Signals): void => {
    killAllChildren();
    rmSync(scratch, { recursive: true, force: true });
    process.stderr.write(`\nbench interrupted (${signal})\n`);
    process.exit(130);
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  process.once('exit', killAllChildren);
  try {
    note(`OneHazel bench: sizes ${config.sizes.join(', ')}; ${config.warmupS} s warm-up + ${config.durationS} s per run, ${config.connections} connections`);
    const bench = new Bench(scratch, config);
    for (const size of config.sizes) {
      note(`\n== ${size.toLocaleString('en-US')} entities ==`);
      await bench.productAt(size);
      await bench.peerAt(size);
      await bench.ceilingAt(size);
    }
    note('');
    const largest = config.sizes[config.sizes.length - 1]!;
    const rebuild = { size: largest, entities: bench.productEntities, ...(await measureRebuild(bench.productEventsFile, scratch)) };
    const { runs, startups, seeding } = bench.collected;
    const results: Results = {
      date: new Date().toISOString(),
      ...machine(),
      settings: config,
      runs: withRatios(sorted(runs)),
      startups: [...startups].sort((a, b) => a.size - b.size || SERVER_ORDER.indexOf(a.server) - SERVER_ORDER.indexOf(b.server)),
      seeding,
      rebuild,
      wallSeconds: Math.round((performance.now() - started) / 100) / 10,
    };
    writeResults(RESULTS_FILE, results);
    process.stdout.write(`\n${markdown(results)}`);
    note(`\nwrote ${RESULTS_FILE}`);
  } finally {
    killAllChildren();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  killAllChildren();
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
