import 'reflect-metadata';
import { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Config, Logger } from '@onehazel/runtime';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AppModule } from './app.module';
import { Runtime, startRuntime } from './infrastructure/runtime';
import { describeError, ErrorFilter, errorBody, errorSummary } from './shared/http/error.filter';
import { validationPipe } from './shared/http/validation';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

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

export type App = Readonly<{ app: NestFastifyApplication; runtime: Runtime; close(): Promise<void> }>;

/** Builds the API on the configured backends (not yet listening). */
export async function createApp(config: Config, logger: Logger): Promise<App> {
  const runtime = await startRuntime(config, logger);
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: (request: IncomingMessage) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRuntime(runtime), adapter, {
    logger: new JsonNestLogger(logger),
    bufferLogs: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    logger.info(
      {
        requestId: request.id,
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  // Errors raised by Fastify before Nest's pipeline (body parsing, size limit) get the same envelope.
  fastify.setErrorHandler((error, request, reply) => {
    const described = describeError(error);
    if (described.status >= 500) logger.error({ requestId: request.id, err: errorSummary(error) }, 'request failed');
    void reply.status(described.status).send(errorBody(described, request.id));
  });
  app.useGlobalFilters(new ErrorFilter(logger));
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('OneHazel control plane')
      .setDescription('Platform partners manage operators; operators manage keys and their data. Every change is an event.')
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'oh_platform_... key' }, 'platformKey')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
  await app.init();
  return {
    app,
    runtime,
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}
