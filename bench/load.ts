import autocannon from 'autocannon';
import type { Child, MemoryWindow } from './children';
import { progress } from './progress';

/**
 * One load run: autocannon in this (the parent) process against one child server on 127.0.0.1, a short
 * warm-up first (not counted), then the measured run. While it runs, the child's memory is sampled.
 *
 *   - req/s: responses completed in the measured run / its duration (all statuses; errors are shown beside);
 *   - p50 / p99: of every response's latency (ms, from autocannon's per-response timing, kept at full
 *     precision here instead of its 1 ms histogram buckets);
 *   - errors: connection errors and timeouts; non2xx: responses with another status than 2xx.
 */

export type LoadSpec = Readonly<{
  label: string;
  url: string;
  connections: number;
  durationS: number;
  warmupS: number;
  /** autocannon's request sequence (each connection loops over it). */
  requests: autocannon.RequestSpec[];
}>;

export type LoadFigures = Readonly<{
  requests: number;
  durationS: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** The slowest response. */
  maxMs: number;
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Requests of the warm-up (not counted in the figures). */
  warmupRequests: number;
}> &
  MemoryWindow;

type Raw = { result: autocannon.Result; latencies: number[] };

/** After `until` settles, a run goes on this long, then stops. */
const AFTER_UNTIL_MS = 1_000;

function run(spec: LoadSpec, durationS: number, onTick?: (second: number, count: number) => void, until?: Promise<unknown>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    let second = 0;
    const instance = autocannon(
      { url: spec.url, connections: spec.connections, duration: durationS, timeout: 30, requests: spec.requests },
      (error, result) => (error ? reject(error) : resolve({ result, latencies })),
    );
    void until?.finally(() => setTimeout(() => instance.stop(), AFTER_UNTIL_MS));
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
    });
    instance.on('tick', ({ counter }: { counter: number }) => onTick?.(++second, counter));
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * One run against the child; with `until`, the measured run stops a second after it settles (or after
 * spec.durationS, whichever comes first).
 */
export async function measure(child: Child, spec: LoadSpec, until?: Promise<unknown>): Promise<LoadFigures> {
  const memory = child.watchMemory();
  const bar = progress(spec.label, spec.warmupS + spec.durationS, 's');
  const warm = spec.warmupS > 0 ? await run(spec, spec.warmupS, (s) => bar.update(s, 'warm-up')) : null;
  const { result, latencies } = await run(spec, spec.durationS, (s, count) => bar.update(spec.warmupS + s, `${count} req/s`), until);
  const window = memory();
  const sorted = Float64Array.from(latencies).sort();
  const completed = result.requests.total;
  const figures: LoadFigures = {
    requests: completed,
    durationS: result.duration,
    reqPerSec: round(completed / result.duration, 0),
    p50Ms: round(percentile(sorted, 50), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    maxMs: round(sorted.length === 0 ? 0 : sorted[sorted.length - 1]!, 2),
    errors: result.errors,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
    warmupRequests: warm?.result.requests.total ?? 0,
    ...window,
  };
  bar.done(`${figures.reqPerSec} req/s, p99 ${figures.p99Ms} ms${figures.errors + figures.non2xx > 0 ? `, ${figures.errors} errors, ${figures.non2xx} non-2xx` : ''}`);
  return figures;
}
