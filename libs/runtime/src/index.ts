export * from './config';
export * from './logger';
export * from './stores';
export * from './keyring';
export * from './process-identity';
export * from './platform-admin';
export * from './runtime';
