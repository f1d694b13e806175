export * from './event-store.port';
export * from './sqlite-event-store.adapter';
export * from './eventstoredb-event-store.adapter';
export * from './in-memory-event-store.adapter';
