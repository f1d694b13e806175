import { BeforeApplicationShutdown, Inject, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { formatPosition } from '@onehazel/event-store';
import { allProjections, Projector } from '@onehazel/projections';
import { Config, createLogger, loadConfig, Logger, openStores, Stores } from '@onehazel/runtime';

const CONFIG = Symbol('CONFIG');
const LOGGER = Symbol('LOGGER');
const STORES = Symbol('STORES');
const PROGRESS_LOG_INTERVAL_MS = 10_000;

/** Starts the projector when the application boots and stops it, then the stores, on shutdown. */
@Injectable()
export class ProjectorRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly projector: Projector,
    @Inject(STORES) private readonly stores: Stores,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.projector.init();
    let lastLog = 0;
    this.projector.onCommitted((position) => {
      if (Date.now() - lastLog < PROGRESS_LOG_INTERVAL_MS) return;
      lastLog = Date.now();
      this.logger.info({ position: formatPosition(position) }, 'projector progress');
    });
    this.projector.start();
    this.logger.info({ events: this.stores.description.events, read: this.stores.description.read }, 'projector started');
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'projector stopping');
    await this.projector.stop();
    await this.stores.close();
  }
}

/** The projector as its own NestJS standalone application (the production layout). */
@Module({
  providers: [
    { provide: CONFIG, useFactory: (): Config => loadConfig() },
    { provide: LOGGER, useFactory: (config: Config): Logger => createLogger(config.logLevel), inject: [CONFIG] },
    { provide: STORES, useFactory: (config: Config): Promise<Stores> => openStores(config), inject: [CONFIG] },
    {
      provide: Projector,
      useFactory: (stores: Stores, logger: Logger): Projector =>
        new Projector(stores.events, stores.read, allProjections, { logger }),
      inject: [STORES, LOGGER],
    },
    ProjectorRunner,
  ],
})
export class ProjectorModule {}
