import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { projectionStatus, ProjectionStatus } from '@onehazel/projections';
import type { Runtime } from '@onehazel/runtime';

/**
 * Prometheus metrics of one API process: process defaults; HTTP requests by route template and status
 * (counts are the histogram's `_count`); failures by status and code (the 429s by reason among them);
 * events appended by type; Idempotency-Key replays; the projector's progress, each projection's lag behind the
 * log, and rebuilds in the shadow.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'onehazel_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  /** Answered in the error envelope, by status and code: 429 RATE_LIMITED and 429 QUOTA_EXCEEDED apart. */
  readonly httpErrors = new Counter({
    name: 'onehazel_http_errors_total',
    help: 'Requests answered with an error, by route template, status and error code',
    labelNames: ['route', 'status', 'code'] as const,
    registers: [this.registry],
  });
  readonly idempotencyReplays = new Counter({
    name: 'onehazel_idempotency_replays_total',
    help: 'Requests answered from the stored answer of their Idempotency-Key',
    registers: [this.registry],
  });
  private readonly eventsAppended = new Counter({
    name: 'onehazel_events_appended_total',
    help: 'Events this process appended to the log, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  private readonly projectedBatches = new Counter({
    name: 'onehazel_projector_batches_total',
    help: 'Batches of events this process’s projector committed',
    registers: [this.registry],
  });
  private readonly projectedPosition = new Gauge({
    name: 'onehazel_projector_commit_position',
    help: 'Commit position in the log of the last batch this process’s projector committed',
    registers: [this.registry],
  });

  /** The projections' status, read by the first gauge of a scrape that needs it (see scrape). */
  private scraped: Promise<ProjectionStatus[]> | null = null;

  /** The Prometheus text of everything, the projections' status read once. */
  async scrape(): Promise<string> {
    try {
      return await this.registry.metrics();
    } finally {
      this.scraped = null;
    }
  }

  constructor(runtime: Pick<Runtime, 'projector' | 'executor' | 'stores'>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'onehazel_' });
    runtime.projector.onCommitted((position) => {
      this.projectedBatches.inc();
      this.projectedPosition.set(Number(position.commit));
    });
    runtime.executor.onAppended((types) => {
      for (const type of types) this.eventsAppended.labels(type).inc();
    });
    const { projector, stores } = runtime;
    // Each projection's status, read once per scrape (every gauge below asks within the same one).
    const status = (): Promise<ProjectionStatus[]> => {
      this.scraped ??= projectionStatus(projector, stores.events, stores.read, { timeoutMs: 1000 });
      return this.scraped;
    };
    /** A gauge by projection, set at scrape from the status; a store that does not answer keeps the last values (/ready says it is down). */
    const byProjection = (name: string, help: string, value: (projection: ProjectionStatus) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['projection'] as const,
        registers: [this.registry],
        async collect() {
          try {
            for (const projection of await status()) this.labels(projection.projection).set(value(projection));
          } catch {
            // As above: the last values stand.
          }
        },
      });
    };
    byProjection(
      'onehazel_projection_lag_seconds',
      'How long the oldest event a projection does not have yet has waited, read at scrape (0 when caught up)',
      (projection) => projection.lagSeconds,
    );
    byProjection(
      'onehazel_projection_lag_positions',
      'How far a projection is behind the log, read at scrape: the log head’s commit position minus its checkpoint’s ' +
        '(events on the embedded log, whose positions count events; bytes of the transaction log on EventStoreDB)',
      (projection) => projection.lagPositions,
    );
    // A rebuild (npm run cli -- projections rebuild, or a new projection) runs in another process or in the
    // background: its shadow checkpoint says how far it has come.
    byProjection(
      'onehazel_rebuild_in_progress',
      'Whether a projection is being rebuilt in the shadow (1) or not (0), read at scrape',
      (projection) => (projection.rebuildLagPositions === null ? 0 : 1),
    );
    byProjection(
      'onehazel_rebuild_lag_positions',
      'How far a rebuild of a projection in the shadow is behind the log, in log positions (0 when none runs), read at scrape',
      (projection) => projection.rebuildLagPositions ?? 0,
    );
  }
}
