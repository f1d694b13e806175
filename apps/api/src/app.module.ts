import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Runtime } from '@onehazel/runtime';
import { ActivityModule } from './activity/activity.module';
import { AuthModule } from './auth/auth.module';
import { EntitiesModule } from './entities/entities.module';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { KeysModule } from './keys/keys.module';
import type { Metrics } from './operations/metrics';
import { OperationsModule } from './operations/operations.module';
import { OperatorsModule } from './operators/operators.module';
import { OperatorTokensModule } from './operator-tokens/operator-tokens.module';
import { SubmissionQuotaModule } from './operator-tokens/submission-quota.module';
import { PersonalDataModule } from './personal-data/personal-data.module';
import { SettingsModule } from './settings/settings.module';

/** Cross-cutting modules first, then one module per feature. */
const crossCutting = [AuthModule, PersonalDataModule, SubmissionQuotaModule, OperationsModule];
const features = [OperatorsModule, KeysModule, OperatorTokensModule, SettingsModule, EntitiesModule, ActivityModule];

@Module({})
export class AppModule {
  static forRuntime(runtime: Runtime, metrics: Metrics): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), InfrastructureModule.forRuntime(runtime, metrics), ...crossCutting, ...features],
    };
  }
}
