export * from './config';
export * from './logger';
export * from './stores';
export * from './command-executor';
export * from './consistency';
export * from './keyring';
export * from './process-identity';
