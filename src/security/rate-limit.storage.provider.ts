import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { Env } from '../config/env';
import { RedisThrottlerStorage } from './redis-throttler.storage';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Redis-backed when REDIS_URL is set (shared by all instances), otherwise in this process's memory. */
@Injectable()
export class RateLimitStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly redis: RedisThrottlerStorage | null;
  private readonly memory = new ThrottlerStorageService();

  constructor(env: Env) {
    this.redis = env.REDIS_URL ? new RedisThrottlerStorage(env.REDIS_URL, env.RATE_LIMIT_REDIS_PREFIX) : null;
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<ThrottlerStorageRecord> {
    if (this.redis) return this.redis.increment(key, ttl, limit, blockDuration, name);
    // ThrottlerStorageService counts hits per throttler but keeps one window and one blocked flag per key:
    // keyed by the client alone, a client blocked on the merchant budget would get 429 on the webhook
    // route too (and its reset). The throttler's name in the key gives each budget its own record.
    return this.memory.increment(`${name}:${key}`, ttl, limit, blockDuration, name);
  }

  async onApplicationShutdown(): Promise<void> {
    this.memory.onApplicationShutdown();
    await this.redis?.close();
  }
}
