import { writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import type { LoadFigures } from './load';
import type { FleetFigures } from './fleet';
import type { RebuildFigures } from './rebuild';

/** Every figure of one bench run: what results.json holds and the tables are made of. */

export type Server = 'ceiling' | 'peer' | 'product';

export type RunRecord = LoadFigures &
  Readonly<{
    /** The data set size this run belongs to (BENCH_SIZES). */
    size: number;
    server: Server;
    request: string;
    /** req/s of this run divided by the peer's for the same request and size (entity GET and upsert). */
    vsPeer: number | null;
    /** req/s of this run divided by the ceiling's at the same size. */
    vsCeiling: number | null;
  }>;

export type StartupRecord = Readonly<{ size: number; server: Server; startupMs: number }>;

export type SeedRecord = Readonly<{ size: number; server: 'peer' | 'product'; entities: number; seconds: number; perSecond: number }>;

/** Connections creating entities during the rebuild-while-serving run (the GETs use the bench's connections). */
export const REBUILD_WRITERS = 16;

export type Results = {
  date: string;
  node: string;
  cpu: { model: string; cores: number };
  os: string;
  memoryMiB: number;
  settings: { sizes: number[]; durationS: number; warmupS: number; connections: number; productNodeFlags: string[] };
  runs: RunRecord[];
  startups: StartupRecord[];
  seeding: SeedRecord[];
  rebuild: (RebuildFigures & { size: number }) | null;
  /** The rebuild in the shadow while the product serves entity GETs and creates under load. */
  rebuildServing: (RebuildFigures & { size: number; heldMs: number; get: LoadFigures; upsert: LoadFigures }) | null;
  /** Seed 003: mint-child as the token stream grows, and counted writes beside uncounted ones. */
  fleet: FleetFigures | null;
  wallSeconds: number;
};

export function machine(): Pick<Results, 'node' | 'cpu' | 'os' | 'memoryMiB'> {
  const all = cpus();
  return {
    node: process.version,
    cpu: { model: all[0]?.model.trim() ?? 'unknown', cores: all.length },
    os: `${process.platform} ${release()}`,
    memoryMiB: Math.round(totalmem() / 2 ** 20),
  };
}

/** Fills vsPeer and vsCeiling once every run of every size is in. */
export function withRatios(runs: RunRecord[]): RunRecord[] {
  const find = (size: number, server: Server, request: string) => runs.find((r) => r.size === size && r.server === server && r.request === request);
  return runs.map((run) => {
    const peer = run.server === 'product' ? find(run.size, 'peer', run.request) : undefined;
    const ceiling = run.server === 'ceiling' ? undefined : runs.find((r) => r.size === run.size && r.server === 'ceiling');
    const ratio = (other: RunRecord | undefined): number | null =>
      other && other.reqPerSec > 0 ? Math.round((run.reqPerSec / other.reqPerSec) * 1000) / 1000 : null;
    return { ...run, vsPeer: ratio(peer), vsCeiling: ratio(ceiling) };
  });
}

const count = (n: number): string => n.toLocaleString('en-US');
const fixed = (n: number, digits = 1): string => n.toFixed(digits);
const times = (ratio: number | null): string => (ratio === null ? '' : `${ratio.toFixed(3)}×`);

/** Markdown tables (for a terminal and for pasting into the README). */
export function markdown(results: Results): string {
  const lines: string[] = [];
  const { settings } = results;
  lines.push(
    `### npm run bench: ${results.date.slice(0, 10)}, node ${results.node}, ${results.cpu.model} (${results.cpu.cores} cores), embedded SQLite backend`,
    '',
    `${settings.connections} connections, ${settings.warmupS} s warm-up then ${settings.durationS} s measured per row; load generator (autocannon) on the same machine. The product runs as \`npm start\` runs it: \`node ${[...settings.productNodeFlags, 'dist/apps/api/src/main.js'].join(' ')}\`.`,
    '',
    '| entities | server | request | req/s | p50 ms | p99 ms | errors / non-2xx | vs peer | vs ceiling | peak RSS MiB | VmHWM MiB |',
    '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const run of results.runs) {
    lines.push(
      `| ${count(run.size)} | ${run.server} | ${run.request} | ${count(run.reqPerSec)} | ${fixed(run.p50Ms, 2)} | ${fixed(run.p99Ms, 2)} | ${run.errors} / ${run.non2xx} | ${times(run.vsPeer)} | ${times(run.vsCeiling)} | ${fixed(run.peakRssMiB)} | ${fixed(run.hwmMiB)} |`,
    );
  }
  lines.push(
    '',
    '- entity GET: `GET /operator-data-api/entities/:externalId`, a random seeded player, its 5 personal fields decrypted (the ceiling answers that body, precomputed);',
    '- entity upsert: `POST /operator-data-api/entities`, a new player each request (new data key, 5 fields sealed, durable write);',
    '- key list: `GET /api-keys` with the operator\'s key; operator list: `GET /platform-api/operators?limit=20` with the platform\'s key (a full page);',
    '- vs peer, vs ceiling: req/s divided by the peer\'s for the same request and size, by the ceiling\'s (its GET) at the same size;',
    '- errors: connection errors and timeouts; peak RSS: highest VmRSS sampled every 200 ms during warm-up and run; VmHWM: the server process\'s peak since it started;',
    '- each size\'s server runs on a copy of the data, so every row of a size is answered over exactly that many entities (upserts add to the copy only).',
  );
  lines.push('', '| entities | server | startup ms (spawn to listening) | entities loaded for this size | loading s | entities/s |', '| ---: | --- | ---: | ---: | ---: | ---: |');
  for (const start of results.startups) {
    const seed = results.seeding.find((s) => s.size === start.size && s.server === start.server);
    lines.push(
      `| ${count(start.size)} | ${start.server} | ${fixed(start.startupMs, 0)} | ${seed ? count(seed.entities) : ''} | ${seed ? fixed(seed.seconds) : ''} | ${seed && seed.entities > 0 ? count(Math.round(seed.perSecond)) : ''} |`,
    );
  }
  if (results.rebuild) {
    const r = results.rebuild;
    lines.push(
      '',
      `Projection rebuild over the product's log at the largest size (${count(r.size)} entities): ${count(r.events)} events in ${fixed(r.seconds, 2)} s, ${count(Math.round(r.eventsPerSecond))} events/s.`,
    );
  }
  if (results.rebuildServing) {
    const r = results.rebuildServing;
    lines.push(
      '',
      `The same rebuild in the shadow while the product serves (${count(r.size)} entities; \`npm run cli -- projections rebuild\` beside the server): ${count(r.events)} events in ${fixed(r.seconds, 2)} s, ${count(Math.round(r.eventsPerSecond))} events/s, swapped in at the end, each projection held at most ${count(r.heldMs)} ms (no command acknowledged meanwhile).`,
      '',
      '| during the rebuild | connections | req/s | p50 ms | p99 ms | max ms | errors / non-2xx |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...(
        [
          ['entity GET', r.get],
          ['entity create (`POST /operator-data-api/entities`)', r.upsert],
        ] as const
      ).map(([label, f]) => `| ${label} | ${f === r.get ? 'all' : REBUILD_WRITERS} | ${count(f.reqPerSec)} | ${fixed(f.p50Ms, 2)} | ${fixed(f.p99Ms, 2)} | ${fixed(f.maxMs, 2)} | ${f.errors} / ${f.non2xx} |`),
    );
  }
  if (results.fleet) {
    const f = results.fleet;
    lines.push(
      '',
      `Fleet daemons (seed 003), one operator with ${count(f.children)} child keys in 10 tokens (the default caps):`,
      '',
      '| live children in the stream | stream events | mint-child mean ms | p99 ms |',
      '| ---: | ---: | ---: | ---: |',
      ...f.mintChild.map((c) => `| ${count(c.children)} | ${count(c.streamEvents)} | ${fixed(c.meanMs, 2)} | ${fixed(c.p99Ms, 2)} |`),
      '',
      '| write (`POST /operator-data-api/events`) | req/s | p50 ms | p99 ms | errors / non-2xx |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| by 50 child keys, each counted against the pool and its share | ${count(f.childWrite.reqPerSec)} | ${fixed(f.childWrite.p50Ms, 2)} | ${fixed(f.childWrite.p99Ms, 2)} | ${f.childWrite.errors} / ${f.childWrite.non2xx} |`,
      `| by the operator's own key (not counted) | ${count(f.keyWrite.reqPerSec)} | ${fixed(f.keyWrite.p50Ms, 2)} | ${fixed(f.keyWrite.p99Ms, 2)} | ${f.keyWrite.errors} / ${f.keyWrite.non2xx} |`,
    );
  }
  lines.push('', `Wall time of the whole run: ${fixed(results.wallSeconds / 60)} min.`);
  return `${lines.join('\n')}\n`;
}

export function writeResults(file: string, results: Results): void {
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
