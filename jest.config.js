/** Unit specs sit next to the code; end-to-end specs live in apps/test folders. */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', swc],
    // content-disposition 3 (under @fastify/static, for /docs) is ES modules only; Node 20 requires it
    // natively but Jest on Node 20 cannot, so Jest compiles that one package to CommonJS.
    '/node_modules/content-disposition/.+\\.js$': ['@swc/jest', swc],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  moduleNameMapper: {
    '^@onehazel/storage/testing$': '<rootDir>/libs/storage/src/mongo-contract.spec-helper',
    '^@onehazel/(domain|crypto|event-store|read-store|key-store|request-store|storage|projections|runtime|commands|audit)$': '<rootDir>/libs/$1/src',
  },
  testTimeout: 30000,
  maxWorkers: 2,
};
