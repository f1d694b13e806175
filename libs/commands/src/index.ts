export * from './command-executor';
export * from './consistency';
