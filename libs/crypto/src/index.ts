export * from './secrets';
export * from './ids';
