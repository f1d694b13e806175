import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ProjectorModule } from './projector.module';

/**
 * The projector process: subscribes to the log from its checkpoint and keeps the read models up to
 * date until SIGTERM or SIGINT. With the embedded default it runs inside the API process instead.
 */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(ProjectorModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
}

main().catch((error: unknown) => {
  process.stderr.write(`projector failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
