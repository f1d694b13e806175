export * from './request-store.port';
export * from './sqlite-request-store.adapter';
export * from './mongo-request-store.adapter';
export * from './in-memory-request-store.adapter';
