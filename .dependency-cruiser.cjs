/**
 * The layers (issue 10, DESIGN.md §1), checked by `npm run lint` (dependency-cruiser). Violations that
 * existed when the rules were written are listed in .dependency-cruiser-known-violations.json, the
 * vertical-slice refactor's to-do list: lint fails on any new one. As the refactor removes known ones,
 * regenerate the list (`npm run lint:layers:baseline`), so that none can come back.
 */
const STORES = '^libs/(event-store|read-store|key-store|request-store)/';
const HTTP = ['^apps/api/src/.*/http/', '\\.http\\.controller\\.ts$', '\\.request\\.dto\\.ts$', '^node_modules/(fastify|@fastify|@nestjs/platform-fastify|@nestjs/swagger)/'];

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No module depends on itself through others.', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'libs/domain imports nothing outside itself: no other lib, no app, no package, no I/O.',
      from: { path: '^libs/domain/src/' },
      to: { pathNot: ['^libs/domain/src/'] },
    },
    { name: 'libs-never-import-apps', severity: 'error', from: { path: '^libs/' }, to: { path: '^apps/' } },
    {
      name: 'handlers-are-not-http',
      severity: 'error',
      comment: 'Command and query handlers know nothing of HTTP: no controllers, DTOs, envelope, Fastify or Nest HTTP types.',
      // Every file of a feature folder but its HTTP side (controllers, DTOs, response shapes) and its Nest module:
      // some handlers do not carry the suffix yet (record-event.ts, entity-queries.ts).
      from: {
        path: '^apps/api/src/(keys|operators|operator-data)/',
        pathNot: ['\\.validation\\.ts$', '\\.http\\.controller\\.ts$', '\\.request\\.dto\\.ts$', '\\.response\\.ts$', '\\.module\\.ts$', '/http/'],
      },
      to: { path: HTTP },
    },
    {
      name: 'controllers-touch-no-store',
      severity: 'error',
      comment: 'HTTP controllers parse, dispatch and shape the answer: they never reach a store (through a query or command instead).',
      from: { path: '\\.http\\.controller\\.ts$' },
      to: { path: [STORES, '^apps/api/src/infrastructure/tokens\\.ts$'] },
    },
    {
      name: 'adapters-import-their-port-and-driver',
      severity: 'error',
      comment: 'An adapter imports its own lib (its port), the storage plumbing and its driver; nothing of the product beyond that.',
      from: { path: '^libs/([^/]+)/src/[^/]+\\.adapter\\.ts$' },
      to: { path: '^(libs|apps)/', pathNot: ['^libs/$1/', '^libs/storage/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.spec\\.ts$', '\\.e2e-spec\\.ts$', '\\.spec-helper\\.ts$', '\\.contract\\.ts$', '/test/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
