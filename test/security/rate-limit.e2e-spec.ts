import { randomBytes } from 'node:crypto';
import { RedisThrottlerStorage } from '../../src/security/redis-throttler.storage';
import { RunningApp, http, startApp } from '../support/app-harness';
import { TestDatabase, testDatabases } from '../support/databases';
import { deleteRedisPrefix, testRedisUrl } from '../support/redis';

const [, sqlite] = testDatabases()[0];
const UNKNOWN = '/payments/0190d4a0-0000-7000-8000-000000000000';

describe('rate limits', () => {
  let database: TestDatabase;
  const apps: RunningApp[] = [];
  const start = async (env: Record<string, string>) => {
    const running = await startApp({ DB_URL: database.url, ...env });
    apps.push(running);
    return running;
  };

  beforeAll(async () => {
    database = await sqlite();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((running) => running.close()));
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('allows RATE_LIMIT_MAX merchant requests per window with RateLimit headers, then 429 with Retry-After', async () => {
    const { baseUrl } = await start({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
    for (const remaining of [2, 1, 0]) {
      const res = await http(baseUrl, 'GET', UNKNOWN);
      expect(res.status).toBe(404);
      expect(res.headers.get('ratelimit-policy')).toBe('3;w=60');
      expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^limit=3, remaining=${remaining}, reset=(60|59)$`));
    }
    // Every merchant route draws on the same budget: a POST is refused too, and creates nothing.
    const res = await http(baseUrl, 'POST', '/payments', { order_id: 'RL-1', amount: 1000 });
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(res.headers.get('ratelimit')).toMatch(/^limit=3, remaining=0, reset=\d+$/);
    expect((await http(baseUrl, 'GET', UNKNOWN)).status).toBe(429);
  });

  it('never limits /health, /ready, /metrics or /docs', async () => {
    const { baseUrl } = await start({ RATE_LIMIT_MAX: '1' });
    for (let i = 0; i < 3; i++) {
      for (const path of ['/health', '/ready', '/metrics', '/docs/json']) {
        const res = await http(baseUrl, 'GET', path);
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit')).toBeNull();
      }
    }
  });

  it('gives the webhook route its own budget (WEBHOOK_RATE_LIMIT_MAX), apart from the merchant one', async () => {
    const { baseUrl } = await start({ RATE_LIMIT_MAX: '1', WEBHOOK_RATE_LIMIT_MAX: '3', WEBHOOK_RATE_LIMIT_WINDOW_SECONDS: '30' });
    expect((await http(baseUrl, 'GET', UNKNOWN)).status).toBe(404);
    expect((await http(baseUrl, 'GET', UNKNOWN)).status).toBe(429);
    const first = await http(baseUrl, 'POST', '/webhooks/qris', {});
    expect(first.status).not.toBe(429);
    expect(first.headers.get('ratelimit-policy')).toBe('3;w=30');
    expect((await http(baseUrl, 'POST', '/webhooks/qris', {})).status).not.toBe(429);
    expect((await http(baseUrl, 'POST', '/webhooks/qris', {})).status).not.toBe(429);
    expect((await http(baseUrl, 'POST', '/webhooks/qris', {})).status).toBe(429);
  });

  it('with TRUST_PROXY off, a spoofed X-Forwarded-For changes nothing', async () => {
    const { baseUrl } = await start({ RATE_LIMIT_MAX: '2', TRUST_PROXY: 'false' });
    expect((await http(baseUrl, 'GET', UNKNOWN, undefined, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(404);
    expect((await http(baseUrl, 'GET', UNKNOWN, undefined, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(404);
    expect((await http(baseUrl, 'GET', UNKNOWN, undefined, { 'x-forwarded-for': '203.0.113.3' })).status).toBe(429);
  });

  it('with TRUST_PROXY on, counts per forwarded client, IPv4-mapped IPv6 as its IPv4 address', async () => {
    const { baseUrl } = await start({ RATE_LIMIT_MAX: '2', TRUST_PROXY: 'true' });
    const from = (ip: string) => http(baseUrl, 'GET', UNKNOWN, undefined, { 'x-forwarded-for': ip });
    expect((await from('198.51.100.7')).status).toBe(404);
    expect((await from('::ffff:198.51.100.7')).status).toBe(404);
    expect((await from('198.51.100.7')).status).toBe(429);
    expect((await from('198.51.100.8')).status).toBe(404);
  });

  describe('shared through Redis', () => {
    const redisUrl = testRedisUrl();
    const prefix = `test:security:${randomBytes(4).toString('hex')}:`;
    const maybe = redisUrl ? it : it.skip;

    afterAll(async () => {
      if (redisUrl) await deleteRedisPrefix(redisUrl, prefix);
    });

    maybe('two instances on one Redis prefix share one budget per client', async () => {
      const env = { REDIS_URL: redisUrl!, RATE_LIMIT_REDIS_PREFIX: prefix, RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '60' };
      const a = await start(env);
      const b = await start(env);
      expect((await http(a.baseUrl, 'GET', UNKNOWN)).status).toBe(404);
      expect((await http(b.baseUrl, 'GET', UNKNOWN)).status).toBe(404);
      const third = await http(a.baseUrl, 'GET', UNKNOWN);
      expect(third.status).toBe(404);
      expect(third.headers.get('ratelimit')).toMatch(/^limit=3, remaining=0, reset=(60|59)$/);
      const refused = await http(b.baseUrl, 'GET', UNKNOWN);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    maybe('counts requests that arrive together one by one: each gets its own place in the window', async () => {
      const { baseUrl } = await start({ REDIS_URL: redisUrl!, RATE_LIMIT_REDIS_PREFIX: `${prefix}together:`, RATE_LIMIT_MAX: '3' });
      const answers = await Promise.all(Array.from({ length: 5 }, () => http(baseUrl, 'GET', UNKNOWN)));
      expect(answers.map((a) => a.status).sort()).toEqual([404, 404, 404, 429, 429]);
      const remaining = answers.filter((a) => a.status === 404).map((a) => /remaining=(\d+)/.exec(a.headers.get('ratelimit') ?? '')?.[1]);
      expect(remaining.sort()).toEqual(['0', '1', '2']);
    });

    maybe('the store gives the hits of one event-loop turn, counted together, their own counts in arrival order', async () => {
      const storage = new RedisThrottlerStorage(redisUrl!, `${prefix}store:`);
      try {
        const records = await Promise.all([
          ...Array.from({ length: 5 }, () => storage.increment('1.2.3.4', 60_000, 3, 60_000, 'merchant')),
          storage.increment('5.6.7.8', 60_000, 3, 60_000, 'merchant'),
        ]);
        expect(records.map((r) => [r.totalHits, r.isBlocked])).toEqual([[1, false], [2, false], [3, false], [4, true], [5, true], [1, false]]);
        expect(records.every((r) => r.timeToExpire >= 59 && r.timeToExpire <= 60)).toBe(true);
        const next = await storage.increment('1.2.3.4', 60_000, 3, 60_000, 'merchant');
        expect([next.totalHits, next.isBlocked]).toEqual([6, true]);
      } finally {
        await storage.close();
      }
    });

    maybe('an instance with another prefix has its own budget', async () => {
      const a = await start({ REDIS_URL: redisUrl!, RATE_LIMIT_REDIS_PREFIX: `${prefix}a:`, RATE_LIMIT_MAX: '1' });
      const b = await start({ REDIS_URL: redisUrl!, RATE_LIMIT_REDIS_PREFIX: `${prefix}b:`, RATE_LIMIT_MAX: '1' });
      expect((await http(a.baseUrl, 'GET', UNKNOWN)).status).toBe(404);
      expect((await http(b.baseUrl, 'GET', UNKNOWN)).status).toBe(404);
      expect((await http(a.baseUrl, 'GET', UNKNOWN)).status).toBe(429);
    });

    it('lets requests through when the Redis store does not answer (fail open)', async () => {
      const { baseUrl } = await start({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_MAX: '1' });
      expect((await http(baseUrl, 'GET', UNKNOWN)).status).toBe(404);
      expect((await http(baseUrl, 'GET', UNKNOWN)).status).toBe(404);
    });
  });
});
