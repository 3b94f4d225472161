import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { Env } from '../config/env';
import { MerchantAuthGuard } from './merchant-auth.guard';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitStorage } from './rate-limit.storage.provider';

@Module({ providers: [RateLimitStorage], exports: [RateLimitStorage] })
class RateLimitStorageModule {}

/** Rate limits (global guard, by route class) and the merchant API-key guard (see MerchantAuth). */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [Env, RateLimitStorage],
      useFactory: (env: Env, storage: RateLimitStorage) => ({
        storage,
        // Named after the route classes of rateLimitClass: RateLimitGuard applies the one a request's path picks.
        throttlers: [
          {
            name: 'merchant',
            limit: env.RATE_LIMIT_MAX,
            ttl: env.RATE_LIMIT_WINDOW_SECONDS * 1000,
          },
          {
            name: 'webhook',
            limit: env.WEBHOOK_RATE_LIMIT_MAX,
            ttl: env.WEBHOOK_RATE_LIMIT_WINDOW_SECONDS * 1000,
          },
        ],
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }, MerchantAuthGuard],
  exports: [MerchantAuthGuard],
})
export class SecurityModule {}
