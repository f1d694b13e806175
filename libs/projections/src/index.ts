export * from './projection';
export * from './projector';
export * from './shadow-rebuild';
export * from './projection-set';
export * from './projection-status';
export * from './projections/read-models';
export * from './projections/platforms.projection';
export * from './projections/operators.projection';
export * from './projections/api-keys.projection';
export * from './projections/settings.projection';
export * from './projections/entities.projection';
export * from './projections/entity-activity.projection';
export * from './projections/operator-tokens.projection';
export * from './projections/audit-entries.projection';

import { operatorsProjection } from './projections/operators.projection';
import { platformsProjection } from './projections/platforms.projection';
import { apiKeysProjection } from './projections/api-keys.projection';
import { entitiesProjection } from './projections/entities.projection';
import { entityActivityProjection } from './projections/entity-activity.projection';
import { settingsProjection } from './projections/settings.projection';
import { operatorTokensProjection } from './projections/operator-tokens.projection';
import { auditEntriesProjection } from './projections/audit-entries.projection';

/** Every projection of the product, in the order they apply an event. */
export const allProjections = [
  platformsProjection,
  operatorsProjection,
  apiKeysProjection,
  operatorTokensProjection,
  settingsProjection,
  entitiesProjection,
  entityActivityProjection,
  auditEntriesProjection,
];
