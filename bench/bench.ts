/**
 * `npm run bench` (issue "Scale and speed"): the product's throughput, latency and memory at growing
 * data sizes, side by side in one run with
 *   - a ceiling: a bare node:http server answering the product's entity GET body, precomputed;
 *   - a peer: the same entity GET and upsert written plainly (Fastify, better-sqlite3, node:crypto).
 * For each size (BENCH_SIZES, default 1000,10000,100000 entities held by one operator), the product and
 * the peer are loaded up to the size (the product through its command handlers, in this process, with
 * its server stopped), started as child processes on a copy of their data, and loaded with autocannon
 * from this process, one server at a time.
 * Then the projections are rebuilt over the product's largest log, and the fleet figures (seed 003:
 * mint-child as an operator's token stream grows to the default caps, counted writes) are taken. Prints markdown tables on stdout,
 * progress on stderr, and writes bench/results.json. It measures and reports; it asserts nothing.
 *
 * Env: BENCH_SIZES, BENCH_DURATION_S (measured seconds per row, default 10), BENCH_WARMUP_S (default 2),
 * BENCH_CONNECTIONS (default 50).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type autocannon from 'autocannon';
import { Child, killAllChildren, startChild } from './children';
import { LoadSpec, measure } from './load';
import { PeerTenant, seedPeer } from './peer/seed';
import { player, playerId, upsertBody } from './players';
import { ProductTenant, seedProduct } from './product-seed';
import { note, progress } from './progress';
import { measureFleet } from './fleet';
import { measureRebuild, measureRebuildWhileServing } from './rebuild';
import { machine, markdown, REBUILD_WRITERS, Results, RunRecord, SeedRecord, Server, StartupRecord, withRatios, writeResults } from './report';

const ROOT = resolve(__dirname, '..', '..'); // dist/bench -> the repository
const PRODUCT_MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
const PEER_MAIN = join(__dirname, 'peer', 'server.js');
const CEILING_MAIN = join(__dirname, 'ceiling', 'server.js');
const RESULTS_FILE = join(ROOT, 'bench', 'results.json');
/** The load during the rebuild stops when the rebuild has ended; this only bounds it. */
const REBUILD_LOAD_BOUND_S = 600;

/** The node flags `npm start` runs the product with (its heap cap): the product is measured as it is started. */
function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = scripts.start.trim().split(/\s+/);
  if (words[0] !== 'node') throw new Error(`npm start does not run node: ${scripts.start}`);
  return words.slice(1).filter((word) => word.startsWith('--'));
}

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
    productNodeFlags: startFlags(),
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
        return { ...request, body: upsertBody(`bench_${tag}_${i}`, i) };
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

/** A fresh copy of a (closed) data directory, for one server run. */
function copyOf(source: string, target: string): string {
  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, { recursive: true });
  return target;
}

/**
 * The runs of every size. The product and the peer are loaded to the size in their own directory, and
 * each size's server runs on a copy of it, discarded afterwards: so the entities its upsert run creates
 * do not count in the next size, and every request of a size is answered over exactly that many entities.
 */
class Bench {
  readonly collected: Collected = { runs: [], startups: [], seeding: [] };
  private readonly productDir: string;
  private readonly peerDir: string;
  private readonly runDir: string;
  private productTenant: ProductTenant | null = null;
  /** Players loaded so far in each: player_0 .. player_<n-1>. */
  private productPlayers = 0;
  private peerPlayers = 0;
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
    this.peerDir = join(scratch, 'peer');
    this.runDir = join(scratch, 'run');
    mkdirSync(this.peerDir, { recursive: true });
  }

  get productEventsFile(): string {
    return join(this.productDir, 'events.db');
  }

  private spec(label: string, url: string, requests: autocannon.RequestSpec[]): LoadSpec {
    return { label, url, requests, connections: this.config.connections, durationS: this.config.durationS, warmupS: this.config.warmupS };
  }

  private async run(size: number, server: Server, child: Child, request: string, requests: autocannon.RequestSpec[]): Promise<void> {
    const figures = await measure(child, this.spec(`${server} @${size} ${request}`, child.url, requests));
    this.collected.runs.push({ ...figures, size, server, request, vsPeer: null, vsCeiling: null });
  }

  private async withServer(size: number, server: Server, start: () => Promise<Child>, body: (child: Child) => Promise<void>): Promise<void> {
    const child = await start();
    this.collected.startups.push({ size, server, startupMs: Math.round(child.startupMs) });
    try {
      await body(child);
    } finally {
      await child.stop();
      rmSync(this.runDir, { recursive: true, force: true });
    }
  }

  async productAt(size: number): Promise<void> {
    const toLoad = Math.max(0, size - this.productPlayers);
    const bar = progress(`product: loading ${toLoad} entities (commands)`, toLoad, 'entities');
    const seeded = await seedProduct({
      dataDir: this.productDir,
      tenant: this.productTenant,
      from: this.productPlayers,
      to: this.productPlayers + toLoad,
      onProgress: (done) => bar.update(done),
    });
    bar.done(`${Math.round(seeded.perSecond)} entities/s`);
    const tenant = (this.productTenant = seeded.tenant);
    this.productPlayers += toLoad;
    this.collected.seeding.push({ size, server: 'product', entities: seeded.entities, seconds: seeded.seconds, perSecond: seeded.perSecond });

    const env = {
      DATA_DIR: copyOf(this.productDir, this.runDir),
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_STARTER: '1000000',
      RATE_LIMIT_PROFESSIONAL: '1000000',
      RATE_LIMIT_ENTERPRISE: '1000000',
      RATE_LIMIT_PLATFORM: '1000000',
    };
    await this.withServer(size, 'product', () => startChild('product', PRODUCT_MAIN, env, this.config.productNodeFlags), async (child) => {
      this.ceilingBody = await checkedEntity(child, tenant.operatorKey);
      await this.run(size, 'product', child, REQUESTS.get, entityGet(tenant.operatorKey, this.productPlayers));
      await this.run(size, 'product', child, REQUESTS.keys, plainGet('/api-keys', tenant.operatorKey));
      await this.run(size, 'product', child, REQUESTS.operators, plainGet('/platform-api/operators?limit=20', tenant.platformKey));
      await this.run(size, 'product', child, REQUESTS.upsert, entityUpsert(tenant.operatorKey, `p${size}`));
    });
  }

  /**
   * The largest size's product, serving entity GETs and creates under load while its read models are
   * rebuilt in the shadow and swapped in (the load lasts until the swaps are done): the rebuild's events/s,
   * its longest hold, and the GETs' and the writes' figures during it (a write's answer waits for the hold).
   */
  async rebuildWhileServing(size: number): Promise<Results['rebuildServing']> {
    const tenant = this.productTenant!;
    const env = {
      DATA_DIR: copyOf(this.productDir, this.runDir),
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PROFESSIONAL: '1000000',
      RATE_LIMIT_PLATFORM: '1000000',
    };
    let result: Results['rebuildServing'] = null;
    await this.withServer(size, 'product', () => startChild('product', PRODUCT_MAIN, env, this.config.productNodeFlags), async (child) => {
      // Until the rebuild has ended, however long it takes (the duration is only a bound); no warm-up.
      const during = (label: string, requests: autocannon.RequestSpec[], connections: number): LoadSpec => ({
        ...this.spec(`product @${size} ${label} during the rebuild`, child.url, requests),
        connections,
        durationS: REBUILD_LOAD_BOUND_S,
        warmupS: 0,
      });
      const { served, ...figures } = await measureRebuildWhileServing(this.runDir, (rebuilt) =>
        Promise.all([
          measure(child, during('entity GET', entityGet(tenant.operatorKey, this.productPlayers), this.config.connections), rebuilt),
          measure(child, during('entity create', entityUpsert(tenant.operatorKey, 'rebuild'), REBUILD_WRITERS), rebuilt),
        ]),
      );
      result = { size, ...figures, get: served[0], upsert: served[1] };
    });
    this.collected.startups.pop(); // not a startup figure of the size table
    return result;
  }

  async peerAt(size: number): Promise<void> {
    const toLoad = Math.max(0, size - this.peerPlayers);
    const file = join(this.peerDir, 'peer.db');
    const bar = progress(`peer: loading ${toLoad} entities (SQLite)`, toLoad, 'entities');
    const started = performance.now();
    seedPeer(file, this.peerTenant, this.peerPlayers, this.peerPlayers + toLoad, (done) => bar.update(done));
    const seconds = (performance.now() - started) / 1000;
    bar.done(`${Math.round(toLoad / seconds)} entities/s`);
    this.peerPlayers += toLoad;
    this.collected.seeding.push({ size, server: 'peer', entities: toLoad, seconds, perSecond: toLoad / seconds });

    const key = this.peerTenant.apiKey;
    const env = {
      PEER_DB: join(copyOf(this.peerDir, this.runDir), 'peer.db'),
      PEER_MASTER_KEY: this.peerTenant.masterKey.toString('base64'),
      HOST: '127.0.0.1',
      PORT: '0',
    };
    await this.withServer(size, 'peer', () => startChild('peer', PEER_MAIN, env), async (child) => {
      await checkedEntity(child, key);
      await this.run(size, 'peer', child, REQUESTS.get, entityGet(key, this.peerPlayers));
      await this.run(size, 'peer', child, REQUESTS.upsert, entityUpsert(key, `p${size}`));
    });
  }

  /** The same entity GET request, answered with the fixed body the product answered for player_0. */
  async ceilingAt(size: number): Promise<void> {
    const env = { CEILING_BODY: this.ceilingBody, HOST: '127.0.0.1', PORT: '0' };
    await this.withServer(size, 'ceiling', () => startChild('ceiling', CEILING_MAIN, env), async (child) => {
      await this.run(size, 'ceiling', child, REQUESTS.get, plainGet(`/operator-data-api/entities/${playerId(0)}`, this.peerTenant.apiKey));
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
    const rebuild = { size: largest, ...(await measureRebuild(bench.productEventsFile, scratch)) };
    note('');
    const rebuildServing = await bench.rebuildWhileServing(largest);
    note('');
    const fleet = await measureFleet(join(scratch, 'fleet'), PRODUCT_MAIN, config.productNodeFlags, config);
    const { runs, startups, seeding } = bench.collected;
    const results: Results = {
      date: new Date().toISOString(),
      ...machine(),
      settings: config,
      runs: withRatios(sorted(runs)),
      startups: [...startups].sort((a, b) => a.size - b.size || SERVER_ORDER.indexOf(a.server) - SERVER_ORDER.indexOf(b.server)),
      seeding,
      rebuild,
      rebuildServing,
      fleet,
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
