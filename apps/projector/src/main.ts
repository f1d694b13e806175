import { allProjections, Projector } from '@onehazel/projections';
import { createLogger, loadConfig, openStores } from '@onehazel/runtime';
import { formatPosition } from '@onehazel/event-store';

/**
 * The projector as its own process (the production layout): subscribes to the log from its checkpoint
 * and keeps the read models up to date until SIGTERM. With the embedded default it runs inside the API.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const stores = await openStores(config);
  const projector = new Projector(stores.events, stores.read, allProjections, { logger });
  await projector.init();
  projector.start();
  let last = 0;
  projector.onCommitted((position) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    logger.info({ position: formatPosition(position) }, 'projector progress');
  });
  logger.info({ events: stores.description.events, read: stores.description.read }, 'projector started');
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'projector stopping');
    projector
      .stop()
      .then(() => stores.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`projector failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
