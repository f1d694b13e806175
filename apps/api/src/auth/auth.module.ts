import { Global, Module } from '@nestjs/common';
import type { ReadStore } from '@onehazel/read-store';
import type { Config, Logger } from '@onehazel/runtime';
import { CONFIG, LOGGER, READ_STORE, REQUEST_STORE } from '../infrastructure/tokens';
import { ThrottlerModule } from '@nestjs/throttler';
import type { RequestStore } from '@onehazel/request-store';
import { limitFor, RateLimitGuard, SharedThrottlerStorage } from '../http/rate-limit.guard';
import { LastUsedRecorder } from './last-used';
import { OperatorAuthenticator, OperatorKeyGuard, OperatorKeyOrSessionGuard, OperatorOwnKeyGuard } from './operator-auth.guard';
import { OperatorTokenAuthenticator, OperatorTokenGuard } from './operator-token.guard';
import { PlatformAuthGuard } from './platform-auth.guard';
import { SessionVerifier } from './session-verifier';

const guards = [PlatformAuthGuard, OperatorKeyGuard, OperatorKeyOrSessionGuard, OperatorOwnKeyGuard, OperatorTokenGuard];

/** Credentials: platform keys, operator keys (child keys included), operator sessions, operator tokens. */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [CONFIG, REQUEST_STORE],
      useFactory: (config: Config, requests: RequestStore) => ({
        throttlers: [
          { name: 'default', ttl: config.rateLimits.windowMs, limit: (context) => limitFor(context, config.rateLimits) },
        ],
        storage: new SharedThrottlerStorage(requests),
      }),
    }),
  ],
  providers: [
    { provide: SessionVerifier, useFactory: (config: Config) => new SessionVerifier(config.jwt), inject: [CONFIG] },
    {
      provide: LastUsedRecorder,
      useFactory: (read: ReadStore, config: Config, logger: Logger) => new LastUsedRecorder(read, config.lastUsedIntervalMs, logger),
      inject: [READ_STORE, CONFIG, LOGGER],
    },
    OperatorAuthenticator,
    OperatorTokenAuthenticator,
    RateLimitGuard,
    ...guards,
  ],
  exports: [OperatorAuthenticator, OperatorTokenAuthenticator, RateLimitGuard, ...guards],
})
export class AuthModule {}
