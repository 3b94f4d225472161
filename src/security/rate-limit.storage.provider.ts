import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { Env } from '../config/env';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RedisThrottlerStorage } from './redis-throttler.storage';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Redis-backed when REDIS_URL is set (shared by all instances), otherwise in this process's memory. */
@Injectable()
export class RateLimitStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly redis: RedisThrottlerStorage | null;
  private readonly memory = new MemoryThrottlerStorage();

  constructor(env: Env) {
    this.redis = env.REDIS_URL ? new RedisThrottlerStorage(env.REDIS_URL, env.RATE_LIMIT_REDIS_PREFIX) : null;
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<ThrottlerStorageRecord> {
    if (this.redis) return this.redis.increment(key, ttl, limit, blockDuration, name);
    // One record per budget: the throttler's name in the key, so a client blocked on the merchant budget
    // does not get 429 (or its reset) on the webhook route. Same semantics as ThrottlerStorageService,
    // O(1) per request instead of a walk over every hit in the window.
    return Promise.resolve(this.memory.increment(`${name}:${key}`, ttl, limit, blockDuration));
  }

  async onApplicationShutdown(): Promise<void> {
    this.memory.close();
    await this.redis?.close();
  }
}
