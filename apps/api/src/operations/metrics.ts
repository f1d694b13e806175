import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { comparePositions, parsePosition } from '@onehazel/event-store';
import type { Runtime } from '@onehazel/runtime';

/**
 * Prometheus metrics of one API process: process defaults; HTTP requests by route template and status
 * (counts are the histogram's `_count`); failures by status and code (the 429s by reason among them);
 * events appended by type; Idempotency-Key replays; the projector's progress and its lag behind the log.
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
    new Gauge({
      name: 'onehazel_projection_lag_seconds',
      help: 'How long the oldest event the read models do not have yet has waited, read at scrape (0 when caught up)',
      registers: [this.registry],
      async collect() {
        try {
          const [checkpoint, head] = await Promise.all([projector.storedCheckpoint(), stores.events.headPosition()]);
          let waited = 0;
          // Only when behind: a subscription from the head would wait for the next event.
          if (head !== null && (checkpoint === null || comparePositions(head, checkpoint) > 0)) {
            for await (const oldest of stores.events.subscribeToAll({ after: checkpoint, signal: AbortSignal.timeout(1000) })) {
              waited = Math.max(0, (Date.now() - Date.parse(oldest.recordedAt)) / 1000);
              break;
            }
          }
          this.set(waited);
        } catch {
          // As above: the last value stands.
        }
      },
    });
    // A rebuild (npm run cli -- projections rebuild, or a new projection) runs in another process or in the
    // background: its shadow checkpoint says how far it has come.
    const shadowBehind = async (): Promise<number | null> => {
      const [shadow, head] = await Promise.all([stores.read.getCheckpoint(`${projector.name}__shadow`), stores.events.headPosition()]);
      if (shadow === null) return null;
      return head === null ? 0 : Math.max(0, Number(head.commit - parsePosition(shadow).commit));
    };
    new Gauge({
      name: 'onehazel_rebuild_in_progress',
      help: 'Whether the read models are being rebuilt in the shadow (1) or not (0), read at scrape',
      registers: [this.registry],
      async collect() {
        try {
          this.set((await shadowBehind()) === null ? 0 : 1);
        } catch {
          // As above: the last value stands.
        }
      },
    });
    new Gauge({
      name: 'onehazel_rebuild_lag_positions',
      help: 'How far a rebuild in the shadow is behind the log, in log positions (0 when none runs), read at scrape',
      registers: [this.registry],
      async collect() {
        try {
          this.set((await shadowBehind()) ?? 0);
        } catch {
          // As above: the last value stands.
        }
      },
    });
    new Gauge({
      name: 'onehazel_projection_lag_positions',
      help:
        'How far the read models are behind the log, read at scrape: the log head’s commit position minus the stored checkpoint’s ' +
        '(events on the embedded log, whose positions count events; bytes of the transaction log on EventStoreDB)',
      registers: [this.registry],
      async collect() {
        try {
          const [checkpoint, head] = await Promise.all([projector.storedCheckpoint(), stores.events.headPosition()]);
          this.set(head === null ? 0 : Number(head.commit - (checkpoint?.commit ?? 0n)));
        } catch {
          // A store that does not answer keeps the last value: /ready is what says it is down.
        }
      },
    });
  }
}
