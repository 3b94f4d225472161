import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

/**
 * The Redis for tests that need one: TEST_REDIS_URL. Unset outside CI → undefined (the caller runs only
 * its Redis-free variant); with CI=true it is required, so a misconfigured CI fails instead of skipping.
 */
export function testRedisUrl(): string | undefined {
  const url = process.env.TEST_REDIS_URL;
  if (!url && process.env.CI === 'true') throw new Error('CI=true requires TEST_REDIS_URL (see .ci/run)');
  return url || undefined;
}

/** A key prefix no other test file or run shares, so suites can run against one Redis at once. */
export function uniqueRedisPrefix(label: string): string {
  return `qtest-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Deletes every key starting with prefix (SCAN, never KEYS, so a shared Redis is not blocked). */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
