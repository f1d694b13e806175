import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { HealthHttpController } from './health/health.http.controller';
import { MetricsHttpController } from './metrics/metrics.http.controller';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import type { Runtime } from './infrastructure/runtime';
import { OperatorsModule } from './operators/operators.module';
import { KeysModule } from './keys/keys.module';
import { OperatorDataModule } from './operator-data/operator-data.module';
import { AuthModule } from './shared/auth/auth.module';

@Module({})
export class AppModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), InfrastructureModule.forRuntime(runtime), AuthModule, OperatorsModule, KeysModule, OperatorDataModule],
      controllers: [HealthHttpController, MetricsHttpController],
    };
  }
}
