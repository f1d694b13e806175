import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { HealthHttpController } from './health/health.http.controller';
import { MetricsHttpController } from './metrics/metrics.http.controller';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import type { Runtime } from './infrastructure/runtime';
import { OperatorsModule } from './operators/operators.module';

@Module({})
export class AppModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), InfrastructureModule.forRuntime(runtime), OperatorsModule],
      controllers: [HealthHttpController, MetricsHttpController],
    };
  }
}
