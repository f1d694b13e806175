import { Module } from '@nestjs/common';
import { HealthHttpController } from './health.http.controller';
import { MetricsHttpController } from './metrics.http.controller';
import { CheckReadinessHandler } from './queries/check-readiness/check-readiness.handler';

const controllers = [HealthHttpController, MetricsHttpController];
const queryHandlers = [CheckReadinessHandler];

/** What the people who run the service look at: liveness, readiness, Prometheus metrics. */
@Module({ controllers, providers: [...queryHandlers] })
export class OperationsModule {}
