export * from './secrets';
export * from './ids';
export * from './envelope';
export * from './master-keys';
export * from './entity-keyring';
