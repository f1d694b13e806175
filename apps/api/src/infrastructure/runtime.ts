import { allProjections, Projector } from '@onehazel/projections';
import { EntityKeyring, MasterKeys } from '@onehazel/crypto';
import { CommandExecutor, Config, ConsistencyWaiter, ConsistentCommands, Logger, loadMasterKeys, openStores, Stores } from '@onehazel/runtime';
import { Metrics } from '../metrics/metrics';

/** The services one API process shares: stores, projector, command executor, consistency waiter. */
export type Runtime = Readonly<{
  config: Config;
  logger: Logger;
  stores: Stores;
  projector: Projector;
  commands: ConsistentCommands;
  keyring: EntityKeyring;
  masterKeys: MasterKeys;
  metrics: Metrics;
  close(): Promise<void>;
}>;

export async function startRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const stores = await openStores(config);
  const projector = new Projector(stores.events, stores.read, allProjections, {
    logger: logger.child({ component: 'projector' }),
  });
  await projector.init();
  const masterKeys = loadMasterKeys(config, logger);
  const keyring = await EntityKeyring.create({ store: stores.keys, masterKeys, cacheTtlMs: config.keyCacheTtlMs });
  if (config.projectorMode === 'embedded') {
    // Before serving: the read models may have lost their last commits in a power loss (they are not
    // fsync'd, the log is), and every write acknowledged before must be visible from the first request on.
    await projector.catchUp();
    projector.start();
  }
  // Expired Idempotency-Key records and past rate-limit windows (MongoDB's TTL indexes do it there too).
  const sweeper = setInterval(() => {
    stores.requests.sweep(Date.now()).catch((error: unknown) => {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'request store sweep failed');
    });
  }, 10 * 60_000);
  sweeper.unref();
  return {
    config,
    logger,
    stores,
    projector,
    commands: new ConsistentCommands(
      new CommandExecutor(stores.events),
      new ConsistencyWaiter(projector, config.consistencyTimeoutMs),
    ),
    metrics: new Metrics(projector),
    keyring,
    masterKeys,
    async close() {
      clearInterval(sweeper);
      await projector.stop();
      await stores.close();
    },
  };
}
