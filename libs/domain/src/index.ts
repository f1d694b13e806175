export * from './shared/event';
export * from './shared/errors';
export * from './platform/platform';
export * from './operator/operator';
export * from './key-ring/key-ring';
export * from './settings/template';
export * from './settings/settings';
export * from './entity/entity';
