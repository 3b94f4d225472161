import { ThrottlerStorageService } from '@nestjs/throttler';
import { MemoryThrottlerStorage } from './memory-throttler.storage';

/** The O(1) store answers exactly like @nestjs/throttler's ThrottlerStorageService. */
describe('MemoryThrottlerStorage', () => {
  let now = 1_000_000;
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it.each([
    { limit: 3, ttl: 1000, block: 1000 },
    { limit: 5, ttl: 2000, block: 500 },
    { limit: 2, ttl: 1500, block: 0 },
  ])('matches ThrottlerStorageService over a random request stream (%o)', async ({ limit, ttl, block }) => {
    const reference = new ThrottlerStorageService();
    const ours = new MemoryThrottlerStorage();
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    try {
      for (let i = 0; i < 3000; i++) {
        now += Math.floor(random() * random() * 400);
        const key = random() < 0.8 ? 'a' : 'b';
        const expected = await reference.increment(key, ttl, limit, block, 'merchant');
        expect(ours.increment(key, ttl, limit, block)).toEqual(expected);
      }
    } finally {
      reference.onApplicationShutdown();
      ours.close();
    }
  });

  it('keeps one entry per millisecond and forgets idle keys', () => {
    const store = new MemoryThrottlerStorage();
    for (let i = 0; i < 10_000; i++) store.increment('k', 60_000, 1e9, 60_000);
    expect(store.increment('k', 60_000, 1e9, 60_000).totalHits).toBe(10_001);
    now += 120_000;
    store.evictIdle();
    expect(store.increment('k', 60_000, 1e9, 60_000).totalHits).toBe(1);
    store.close();
  });
});
