export * from './shared/event';
export * from './shared/errors';
export * from './platform/platform';
export * from './operator/operator';
