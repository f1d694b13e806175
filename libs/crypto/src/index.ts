export * from './secrets';
export * from './ids';
export * from './random';
export * from './envelope';
export * from './master-keys';
export * from './entity-keyring';
