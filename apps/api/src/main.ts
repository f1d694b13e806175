import { createLogger, loadConfig } from '@onehazel/runtime';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (config.eventStoreUrl !== null && config.mongoUrl === null) {
    logger.warn(
      { dataDir: config.dataDir },
      'EVENTSTORE_URL without MONGODB_URL: the read models are local to this process; run a single API instance, or revocations reach other instances only when their own projectors catch up',
    );
  }
  const { app, runtime, close } = await createApp(config, logger);
  await app.listen({ host: config.host, port: config.port });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info(
    { url, events: runtime.stores.description.events, read: runtime.stores.description.read, projector: config.projectorMode },
    'OneHazel API listening',
  );
  if (process.stderr.isTTY || !process.env.CI) {
    process.stderr.write(
      `\nOneHazel API on ${url} (docs: ${url}/docs)\n` +
        `Data: ${runtime.stores.description.events}, ${runtime.stores.description.read}\n` +
        `Next: create a platform partner and its key with\n  npm run cli -- platform create --name "My Platform"\n\n`,
    );
  }
  // SIGTERM (or SIGINT): stop accepting, let the requests in flight finish (their commands wait for the
  // projector, which runs until they have), then stop the projector after its last commit, which holds
  // its checkpoint, and close the stores. Past SHUTDOWN_GRACE_MS, what is still in flight is abandoned.
  const shutdown = (signal: string): void => {
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: no new connections, finishing the requests in flight');
    const forced = setTimeout(() => {
      logger.error({ graceMs: config.shutdownGraceMs }, 'requests still in flight after the grace period: exiting without them');
      process.exit(1);
    }, config.shutdownGraceMs);
    forced.unref();
    close().then(
      () => {
        logger.info({}, 'shut down: every request answered, projector stopped, stores closed');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`OneHazel API failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
