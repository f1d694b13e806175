import 'reflect-metadata';
import { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Projection } from '@onehazel/projections';
import { Clock, Config, Logger, openRuntime, Runtime } from '@onehazel/runtime';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AppModule } from './app.module';
import type { AuthenticatedRequest } from './auth/principal';
import { Metrics } from './operations/metrics';
import { answerClientError, answerFrameworkError, MAX_URL_LENGTH, uriTooLong } from './http/edge-error';
import { RouteMethods } from './http/route-methods';
import { ErrorFilter, errorCodeOf } from './http/error.filter';
import { completeDocument } from './http/openapi';
import { registerJsonBodyParser } from './http/json-body';
import { validationPipe } from './http/validation';

const REQUEST_ID = /^[\w.:-]{1,128}$/;
/**
 * Longest path parameter the router accepts (longer: 414): an externalId of 255 characters, each
 * percent-encoded as up to 4 UTF-8 bytes, fits.
 */
const MAX_PARAM_LENGTH = 255 * 4 * 3;

/** Nest's own messages as JSON lines through the same logger. */
class JsonNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  error(message: unknown, stack?: string, context?: string): void {
    this.logger.error({ context, stack }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
}

export type App = Readonly<{ app: NestFastifyApplication; runtime: Runtime; metrics: Metrics; close(): Promise<void> }>;

export type AppOptions = Readonly<{ clock?: Clock; /** The projections to run (tests); default: all. */ projections?: readonly Projection[] }>;

/** Builds the API on the configured backends (not yet listening). */
export async function createApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  const runtime = await openRuntime(config, logger, { role: 'api', clock: options.clock, projections: options.projections });
  const metrics = new Metrics(runtime);
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    trustProxy: config.trustProxy,
    // What Node's HTTP parser and Fastify's router refuse before the app runs, answered in the envelope too.
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    genReqId: (request: IncomingMessage) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRuntime(runtime, metrics), adapter, {
    logger: new JsonNestLogger(logger),
    bufferLogs: false,
    bodyParser: false, // the JSON parser is registered below
  });
  const fastify = app.getHttpAdapter().getInstance();
  const routes = new RouteMethods();
  routes.attach(fastify);
  fastify.addHook('onRequest', async (request, reply) => {
    // The instant the request is about: its commands' time and its month for quotas.
    (request as AuthenticatedRequest).receivedAt = runtime.clock();
    void reply.header('x-request-id', request.id);
    if (request.raw.url !== undefined && request.raw.url.length > MAX_URL_LENGTH) throw uriTooLong();
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.httpDuration.labels(request.method, route, String(reply.statusCode)).observe(reply.elapsedTime / 1000);
    const code = errorCodeOf(request);
    if (code) metrics.httpErrors.labels(route, String(reply.statusCode), code).inc();
    logger.info(
      {
        requestId: request.id,
        method: request.method,
        // The route's pattern, not the path: paths hold externalIds, which may be personal data.
        route: request.routeOptions?.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  // Once closing, every answer says `Connection: close`: a keep-alive connection whose request was in
  // flight when the server began to close is closed after its answer, not kept open until it times out.
  let closing = false;
  fastify.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });
  registerJsonBodyParser(fastify);
  app.useGlobalFilters(new ErrorFilter(logger, routes));
  app.useGlobalPipes(validationPipe());

  const described = new DocumentBuilder()
    .setTitle('OneHazel control plane')
    .setDescription(
      'Platform partners manage operators; operators manage keys and their data. Every change is an event.\n\n' +
        'Every answer but /metrics is JSON in an envelope: `{ success: true, data }` (or `{ success: true, message }`), and on ' +
        'failure `{ success: false, error: { code, message, details? }, requestId }`, with the codes of each status listed on ' +
        'its response. Every answer carries X-Request-Id. A path answers a method it does not have with 405 and Allow.',
    )
    .setVersion('0.1.0')
    .addServer('/', 'This server (the paths are relative to where this document is served)')
    .addSecurity('platformKey', { type: 'http', scheme: 'bearer', description: 'A platform partner’s key: `Bearer oh_platform_...`' })
    .addSecurity('operatorKey', { type: 'http', scheme: 'bearer', description: 'An operator’s API key: `Bearer oh_live_...`' })
    .addSecurity('operatorToken', { type: 'http', scheme: 'bearer', description: 'An operator token (seed 003): `Bearer oh_op_...`, for minting child keys only' })
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An operator session: a JWT naming the operator' }, 'operatorSession')
    .build();
  // A private product (package.json: UNLICENSED); the URL says what npm's UNLICENSED means: no right to use it is granted.
  described.info.license = { name: 'UNLICENSED (proprietary)', url: 'https://docs.npmjs.com/cli/v11/configuring-npm/package-json#license' };
  const document = completeDocument(SwaggerModule.createDocument(app, described));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
  await app.init();
  return {
    app,
    runtime,
    metrics,
    /** Stops accepting, waits for the requests in flight (the projector runs until they are answered), then closes the runtime. */
    async close() {
      closing = true;
      await app.close();
      await runtime.close();
    },
  };
}
