import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** One round trip, atomic across instances: count the hit and start the window on the first one. */
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { hits, ttl }
`;

/**
 * Fixed-window counters in Redis, so every instance using the same prefix shares one budget per client.
 * If Redis does not answer, requests are let through (logged): an outage of the limiter store must not
 * take payments down with it.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private readonly client: Redis;

  constructor(url: string, private readonly prefix: string) {
    // Auto-pipelining: the increments of the requests that arrive in one event-loop turn share one write.
    this.client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 1000, enableAutoPipelining: true });
    this.client.defineCommand('rateLimitIncrement', { numberOfKeys: 1, lua: INCREMENT });
    this.client.on('error', () => undefined); // reported per command below
  }

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    try {
      const [hits, pttl] = (await (this.client as Redis & { rateLimitIncrement(key: string, ttl: number): Promise<[number, number]> })
        .rateLimitIncrement(`${this.prefix}${throttlerName}:${key}`, ttl));
      const seconds = Math.max(1, Math.ceil(pttl / 1000));
      const isBlocked = hits > limit;
      return { totalHits: hits, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
    } catch (error) {
      this.logger.warn(`rate-limit store unavailable, request allowed: ${(error as Error).message}`);
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  async close(): Promise<void> {
    // quit() on a client still reconnecting would wait for a connection that may never come.
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}
