export * from './key-store.port';
