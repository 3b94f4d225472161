import Redis from 'ioredis';

/**
 * The Redis URL for suites that need one: TEST_REDIS_URL, or undefined (the suite skips). With CI=true
 * a missing TEST_REDIS_URL fails instead of skipping.
 */
export function testRedisUrl(): string | undefined {
  const url = process.env.TEST_REDIS_URL;
  if (!url && process.env.CI === 'true') throw new Error('CI=true requires TEST_REDIS_URL (see .ci/run)');
  return url;
}

/** Deletes every key under a test's prefix. */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
