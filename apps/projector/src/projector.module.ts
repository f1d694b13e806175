import { BeforeApplicationShutdown, Inject, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { formatPosition } from '@onehazel/event-store';
import { createLogger, loadConfig, openRuntime, Runtime } from '@onehazel/runtime';

const RUNTIME = Symbol('RUNTIME');
const PROGRESS_LOG_INTERVAL_MS = 10_000;

/** Logs the projector's progress while the application runs, and closes the runtime on shutdown. */
@Injectable()
export class ProjectorRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  onApplicationBootstrap(): void {
    const { projector, logger, stores } = this.runtime;
    let lastLog = 0;
    projector.onCommitted((position) => {
      if (Date.now() - lastLog < PROGRESS_LOG_INTERVAL_MS) return;
      lastLog = Date.now();
      logger.info({ position: formatPosition(position) }, 'projector progress');
    });
    logger.info({ events: stores.description.events, read: stores.description.read }, 'projector started');
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.runtime.logger.info({ signal }, 'projector stopping');
    await this.runtime.close();
  }
}

/** The projector as its own NestJS standalone application (the production layout), on the composition root. */
@Module({
  providers: [
    {
      provide: RUNTIME,
      useFactory: (): Promise<Runtime> => {
        const config = loadConfig();
        return openRuntime(config, createLogger(config.logLevel), { role: 'projector' });
      },
    },
    ProjectorRunner,
  ],
})
export class ProjectorModule {}
