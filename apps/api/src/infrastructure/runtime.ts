import { allProjections, Projector } from '@onehazel/projections';
import type { EntityKeyring } from '@onehazel/crypto';
import { CommandExecutor, Config, ConsistencyWaiter, ConsistentCommands, Logger, openKeyring, openStores, Stores } from '@onehazel/runtime';
import { Metrics } from '../metrics/metrics';

/** The services one API process shares: stores, projector, command executor, consistency waiter. */
export type Runtime = Readonly<{
  config: Config;
  logger: Logger;
  stores: Stores;
  projector: Projector;
  commands: ConsistentCommands;
  keyring: EntityKeyring;
  metrics: Metrics;
  close(): Promise<void>;
}>;

export async function startRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const stores = await openStores(config);
  const projector = new Projector(stores.events, stores.read, allProjections, {
    logger: logger.child({ component: 'projector' }),
  });
  await projector.init();
  const keyring = await openKeyring(config, stores.keys, logger);
  if (config.projectorMode === 'embedded') projector.start();
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
    async close() {
      await projector.stop();
      await stores.close();
    },
  };
}
