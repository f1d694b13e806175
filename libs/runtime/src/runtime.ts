import { CommandExecutor, ConsistencyWaiter, ConsistentCommands } from '@onehazel/commands';
import { EntityKeyring, MasterKeys } from '@onehazel/crypto';
import { allProjections, buildNewProjections, Projection, Projector } from '@onehazel/projections';
import type { Config } from './config';
import { loadMasterKeys } from './keyring';
import type { Logger } from './logger';
import { PlatformAdmin } from './platform-admin';
import { ProcessIdentity } from './process-identity';
import { openStores, Stores } from './stores';

/**
 * Who opens the runtime, which decides what runs in the background:
 * - `api`: the projector follows the log in this process when PROJECTOR=embedded (after catching up, so
 *   that every write acknowledged before is visible from the first request on); expired request records
 *   are swept.
 * - `projector`: the projector follows the log (the projector app, PROJECTOR=external deployments).
 * - `cli`: nothing runs; commands catch the projector up to what they need.
 */
export type RuntimeRole = 'api' | 'projector' | 'cli';

export type RuntimeOptions = Readonly<{
  role: RuntimeRole;
  /** Stores opened by the caller (tests: in-memory adapters); else the ones the configuration names. */
  stores?: Stores;
  /** The projections to run; default: all of them. */
  projections?: readonly Projection[];
  /** Epoch milliseconds: the time commands and monthly quotas go by (tests drive it); default the real clock. */
  clock?: Clock;
}>;

/** Epoch milliseconds now. */
export type Clock = () => number;

/** Everything a process of the product shares, built once: stores, keyring, executor, projector. */
export type Runtime = Readonly<{
  config: Config;
  logger: Logger;
  stores: Stores;
  projector: Projector;
  /** Appends decided events (the CLI's and the bench's commands, which need not wait for the read model). */
  executor: CommandExecutor;
  /** What HTTP command handlers use: execute, then wait until the read model has the change. */
  commands: ConsistentCommands;
  masterKeys: MasterKeys;
  keyring: EntityKeyring;
  /** The administrator's use cases (platforms and their keys). */
  admin: PlatformAdmin;
  clock: Clock;
  /** Resolves once new projections (if any) are built and live: true when a rebuild ran (see buildNewProjections). */
  projectionsBuilt(): Promise<boolean>;
  close(): Promise<void>;
}>;

const SWEEP_INTERVAL_MS = 10 * 60_000;

/** The composition root: the API, the projector app, the CLI, the bench and the test harness all open it. */
export async function openRuntime(config: Config, logger: Logger, options: RuntimeOptions): Promise<Runtime> {
  const stores = options.stores ?? (await openStores(config));
  let sweeper: NodeJS.Timeout | undefined;
  let rebuilding: Promise<boolean> = Promise.resolve(false);
  const closing = new AbortController();
  try {
    const projector = new Projector(stores.events, stores.read, options.projections ?? allProjections, {
      logger: logger.child({ component: 'projector' }),
      // Projector processes share the log through a lease: one follows it, the others stand by.
      lease:
        options.role === 'projector'
          ? { store: stores.requests, owner: new ProcessIdentity().current, ttlMs: config.projectorLeaseTtlMs, renewEveryMs: Math.max(100, Math.floor(config.projectorLeaseTtlMs / 3)) }
          : undefined,
    });
    await projector.init();
    const masterKeys = loadMasterKeys(config, logger);
    const keyring = await EntityKeyring.create({ store: stores.keys, masterKeys, cacheTtlMs: config.keyCacheTtlMs });
    const follows = options.role === 'projector' || (options.role === 'api' && config.projectorMode === 'embedded');
    if (follows) {
      // The read models may have lost their last commits in a power loss (they are not fsync'd, the log is).
      if (options.role === 'api') await projector.catchUp();
      projector.start();
      // A projection added since the read models were built builds itself in the shadow, in the background.
      const projections = options.projections ?? allProjections;
      const owner = new ProcessIdentity().current;
      rebuilding = buildNewProjections({ events: stores.events, read: stores.read, requests: stores.requests, projections, owner, logger, signal: closing.signal }).catch(
        (error: unknown) => {
          if (!closing.signal.aborted) logger.error({ err: error instanceof Error ? error.message : String(error) }, 'building the new projections failed; the next start tries again');
          return false;
        },
      );
    }
    if (options.role === 'api') {
      // Expired Idempotency-Key records and past rate-limit windows (MongoDB's TTL indexes do it there too).
      sweeper = setInterval(() => {
        stores.requests.sweep(Date.now()).catch((error: unknown) => {
          logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'request store sweep failed');
        });
      }, SWEEP_INTERVAL_MS);
      sweeper.unref();
    }
    // Long streams (an operator's tokens and child keys) start from a snapshot kept in the request store.
    const executor = new CommandExecutor(stores.events, { snapshots: stores.requests });
    return {
      config,
      logger,
      stores,
      projector,
      executor,
      commands: new ConsistentCommands(executor, new ConsistencyWaiter(projector, config.consistencyTimeoutMs)),
      masterKeys,
      keyring,
      admin: new PlatformAdmin(executor, stores.read, projector),
      clock: options.clock ?? Date.now,
      projectionsBuilt: () => rebuilding,
      async close() {
        clearInterval(sweeper);
        closing.abort();
        await rebuilding;
        await projector.stop();
        await stores.close();
      },
    };
  } catch (error) {
    clearInterval(sweeper);
    await stores.close();
    throw error;
  }
}
