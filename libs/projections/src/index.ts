export * from './projection';
export * from './projector';
export * from './projections/read-models';
export * from './projections/platforms.projection';
export * from './projections/operators.projection';
export * from './projections/api-keys.projection';

import { operatorsProjection } from './projections/operators.projection';
import { platformsProjection } from './projections/platforms.projection';
import { apiKeysProjection } from './projections/api-keys.projection';

/** Every projection of the product, in the order they apply an event. */
export const allProjections = [platformsProjection, operatorsProjection, apiKeysProjection];
