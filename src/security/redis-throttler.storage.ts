import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { TurnBatch } from '../common/async/turn-batch';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** One round trip, atomic across instances: count the hits and start the window on the first one. */
const INCREMENT = `
local hits = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { hits, ttl }
`;

/** Requests counted together, at most. */
const MAX_BATCH = 256;

interface Hit {
  key: string;
  ttl: number;
  limit: number;
  resolve: (record: ThrottlerStorageRecord) => void;
}

type IncrementingRedis = Redis & { rateLimitIncrement(key: string, ttl: number, hits: number): Promise<[number, number]> };

/**
 * Fixed-window counters in Redis, so every instance using the same prefix shares one budget per client.
 * The requests of one event-loop turn for one key (a provider's burst comes from few addresses) are
 * counted with one INCRBY, and each gets the count it would have had with an INCR of its own, in arrival
 * order: as if they had come one after another, which they did.
 * If Redis does not answer, requests are let through (logged): an outage of the limiter store must not
 * take payments down with it.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private readonly client: IncrementingRedis;
  private readonly turn = new TurnBatch<Hit>(MAX_BATCH, (hits) => this.count(hits));

  constructor(url: string, private readonly prefix: string) {
    // Auto-pipelining: the increments of one event-loop turn (one per key) share one write.
    this.client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 1000, enableAutoPipelining: true }) as IncrementingRedis;
    this.client.defineCommand('rateLimitIncrement', { numberOfKeys: 1, lua: INCREMENT });
    this.client.on('error', () => undefined); // reported per command below
  }

  increment(key: string, ttl: number, limit: number, _blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    return new Promise((resolve) => this.turn.add({ key: `${this.prefix}${throttlerName}:${key}`, ttl, limit, resolve }));
  }

  private count(hits: Hit[]): void {
    const byKey = new Map<string, Hit[]>();
    for (const hit of hits) {
      const same = byKey.get(hit.key);
      if (same) same.push(hit);
      else byKey.set(hit.key, [hit]);
    }
    for (const [key, same] of byKey) void this.countKey(key, same);
  }

  /** One key's hits (one throttler, so one ttl), in arrival order. */
  private async countKey(key: string, hits: Hit[]): Promise<void> {
    const ttl = hits[0].ttl;
    let total: number;
    let pttl: number;
    try {
      [total, pttl] = await this.client.rateLimitIncrement(key, ttl, hits.length);
    } catch (error) {
      this.logger.warn(`rate-limit store unavailable, request allowed: ${(error as Error).message}`);
      for (const hit of hits) hit.resolve({ totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 });
      return;
    }
    const seconds = Math.max(1, Math.ceil(pttl / 1000));
    hits.forEach((hit, i) => {
      const totalHits = total - hits.length + 1 + i;
      const isBlocked = totalHits > hit.limit;
      hit.resolve({ totalHits, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 });
    });
  }

  async close(): Promise<void> {
    // quit() on a client still reconnecting would wait for a connection that may never come.
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}
