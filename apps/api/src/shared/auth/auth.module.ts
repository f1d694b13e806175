import { Global, Module } from '@nestjs/common';
import type { ReadStore } from '@onehazel/read-store';
import type { Config, Logger } from '@onehazel/runtime';
import { CONFIG, LOGGER, READ_STORE } from '../../infrastructure/tokens';
import { LastUsedRecorder } from './last-used';
import { OperatorAuthenticator, OperatorKeyGuard, OperatorKeyOrSessionGuard } from './operator-auth.guard';
import { PlatformAuthGuard } from './platform-auth.guard';
import { SessionVerifier } from './session-verifier';

const guards = [PlatformAuthGuard, OperatorKeyGuard, OperatorKeyOrSessionGuard];

/** Credentials: platform keys, operator keys, operator sessions. */
@Global()
@Module({
  providers: [
    { provide: SessionVerifier, useFactory: (config: Config) => new SessionVerifier(config.jwt), inject: [CONFIG] },
    {
      provide: LastUsedRecorder,
      useFactory: (read: ReadStore, config: Config, logger: Logger) => new LastUsedRecorder(read, config.lastUsedIntervalMs, logger),
      inject: [READ_STORE, CONFIG, LOGGER],
    },
    OperatorAuthenticator,
    ...guards,
  ],
  exports: [OperatorAuthenticator, ...guards],
})
export class AuthModule {}
