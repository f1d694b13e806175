export * from './sqlite';
export * from './mongo';
export * from './group-commit';
export * from './sqlite-writer';
