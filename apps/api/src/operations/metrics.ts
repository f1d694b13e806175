import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Projector } from '@onehazel/projections';

/** Prometheus metrics of one API process: process defaults, HTTP requests, the projector's progress. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'onehazel_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
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

  constructor(projector: Projector) {
    collectDefaultMetrics({ register: this.registry, prefix: 'onehazel_' });
    projector.onCommitted((position) => {
      this.projectedBatches.inc();
      this.projectedPosition.set(Number(position.commit));
    });
  }
}
