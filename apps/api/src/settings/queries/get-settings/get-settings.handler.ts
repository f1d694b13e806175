import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '@onehazel/domain';
import { Collections, OperatorSettingsView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { GetSettingsQuery, Settings } from './get-settings.query';

@QueryHandler(GetSettingsQuery)
export class GetSettingsHandler implements IQueryHandler<GetSettingsQuery> {
  constructor(@Inject(READ_STORE) private readonly read: ReadStore) {}

  async execute({ operatorId }: GetSettingsQuery): Promise<Settings> {
    const settings = (await this.read.get(Collections.operatorSettings, operatorId)) as OperatorSettingsView | null;
    if (!settings) throw new DomainError('TEMPLATE_NOT_CONFIGURED', 'No template set — call PUT /operator-data-api/settings first');
    return { template: settings.template, configuredAt: settings.configuredAt };
  }
}
