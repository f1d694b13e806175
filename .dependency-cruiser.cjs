/**
 * The layers (issue 10, DESIGN.md §1), checked by `npm run lint` (dependency-cruiser). A rule broken on
 * purpose fails lint; `.dependency-cruiser-known-violations.json` lists the violations accepted for now
 * (`npm run lint:layers:baseline` rewrites it; keep it empty).
 *
 * The application layer (apps/api/src) is one vertical slice per feature:
 *   <feature>/commands/<verb-noun>/  the command, its handler, its request DTO, its handler spec
 *   <feature>/queries/<verb-noun>/   the query, its handler (and request DTO), its handler spec
 *   <feature>/*.http.controller.ts   one per resource and audience: parse, dispatch, shape the answer
 * and cross-cutting homes: auth/, http/, personal-data/, infrastructure/, operations/.
 */
const STORES = '^libs/(event-store|read-store|key-store|request-store)/src/(?!keyset-page)';
const HTTP = [
  '^apps/api/src/(http|auth)/',
  '\\.http\\.controller\\.ts$',
  '\\.request\\.dto\\.ts$',
  '\\.response\\.ts$',
  '^node_modules/(fastify|@fastify|@nestjs/platform-fastify|@nestjs/swagger|class-validator|class-transformer)/',
];

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
      comment:
        'Commands, queries and their handlers know nothing of HTTP: no controllers, DTOs, response shapes, envelope, guards, ' +
        'Fastify, Swagger or validation decorators. Only the request DTO of a slice is HTTP.',
      from: { path: '^apps/api/src/[^/]+/(commands|queries)/', pathNot: ['\\.request\\.dto\\.ts$'] },
      to: { path: HTTP },
    },
    {
      name: 'controllers-touch-no-store',
      severity: 'error',
      comment: 'HTTP controllers parse, dispatch and shape the answer: they never reach a store or a cipher (a query or command does).',
      from: { path: '\\.http\\.controller\\.ts$' },
      to: { path: [STORES, '^apps/api/src/infrastructure/tokens\\.ts$', '^apps/api/src/personal-data/', '^libs/crypto/'] },
    },
    {
      name: 'request-dtos-are-only-validation',
      severity: 'error',
      comment: 'A request DTO declares a body or query and its validation: it reaches no store, handler or cipher.',
      from: { path: '\\.request\\.dto\\.ts$' },
      to: { path: [STORES, '\\.handler\\.ts$', '^apps/api/src/personal-data/', '^apps/api/src/infrastructure/'] },
    },
    {
      name: 'adapters-import-their-port-and-driver',
      severity: 'error',
      comment: 'An adapter imports its own lib (its port), the storage plumbing and its driver; nothing of the product beyond that.',
      from: { path: '^libs/([^/]+)/src/[^/]+\\.adapter\\.ts$' },
      to: { path: '^(libs|apps)/', pathNot: ['^libs/$1/', '^libs/storage/'] },
    },
    {
      name: 'features-do-not-reach-into-controllers',
      severity: 'error',
      comment: 'Nothing imports a controller but its feature module.',
      from: { pathNot: '\\.module\\.ts$' },
      to: { path: '\\.http\\.controller\\.ts$' },
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
