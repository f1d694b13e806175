import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConsistentCommands } from '@onehazel/commands';
import type { Runtime } from '@onehazel/runtime';
import { Metrics } from '../operations/metrics';
import { CLOCK, CONFIG, EVENT_STORE, KEY_STORE, KEYRING, LOGGER, MASTER_KEYS, PROJECTOR, READ_STORE, REQUEST_STORE } from './tokens';

/** Makes the runtime's services (built once by openRuntime, the composition root) injectable everywhere. */
@Global()
@Module({})
export class InfrastructureModule {
  static forRuntime(runtime: Runtime, metrics: Metrics): DynamicModule {
    const providers = [
      { provide: CONFIG, useValue: runtime.config },
      { provide: LOGGER, useValue: runtime.logger },
      { provide: EVENT_STORE, useValue: runtime.stores.events },
      { provide: READ_STORE, useValue: runtime.stores.read },
      { provide: PROJECTOR, useValue: runtime.projector },
      { provide: Metrics, useValue: metrics },
      { provide: KEYRING, useValue: runtime.keyring },
      { provide: KEY_STORE, useValue: runtime.stores.keys },
      { provide: REQUEST_STORE, useValue: runtime.stores.requests },
      { provide: MASTER_KEYS, useValue: runtime.masterKeys },
      { provide: ConsistentCommands, useValue: runtime.commands },
      { provide: CLOCK, useValue: runtime.clock },
    ];
    return { module: InfrastructureModule, providers, exports: providers.map((p) => p.provide) };
  }
}
