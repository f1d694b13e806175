export * from './history-entry';
export * from './history-window';
export * from './audit-replay';
export * from './audit-entries';
