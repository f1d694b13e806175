import { allProjections, Projector } from '@onehazel/projections';
import { CommandExecutor, Config, ConsistencyWaiter, Logger, openStores, Stores } from '@onehazel/runtime';
import { Metrics } from '../metrics/metrics';

/** The services one API process shares: stores, projector, command executor, consistency waiter. */
export type Runtime = Readonly<{
  config: Config;
  logger: Logger;
  stores: Stores;
  projector: Projector;
  executor: CommandExecutor;
  waiter: ConsistencyWaiter;
  metrics: Metrics;
  close(): Promise<void>;
}>;

export async function startRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const stores = await openStores(config);
  const projector = new Projector(stores.events, stores.read, allProjections, {
    logger: logger.child({ component: 'projector' }),
  });
  await projector.init();
  if (config.projectorMode === 'embedded') projector.start();
  return {
    config,
    logger,
    stores,
    projector,
    executor: new CommandExecutor(stores.events),
    waiter: new ConsistencyWaiter(projector, config.consistencyTimeoutMs),
    metrics: new Metrics(projector),
    async close() {
      await projector.stop();
      await stores.close();
    },
  };
}
