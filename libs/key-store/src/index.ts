export * from './key-store.port';
export * from './sqlite-key-store.adapter';
export * from './mongo-key-store.adapter';
export * from './in-memory-key-store.adapter';
