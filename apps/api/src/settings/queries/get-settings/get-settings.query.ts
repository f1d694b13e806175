import { Query } from '@nestjs/cqrs';
import type { Template } from '@onehazel/domain';

export type Settings = Readonly<{ template: Template; configuredAt: string }>;

/** The operator's template; TEMPLATE_NOT_CONFIGURED before the first PUT /settings. */
export class GetSettingsQuery extends Query<Settings> {
  constructor(readonly operatorId: string) {
    super();
  }
}
