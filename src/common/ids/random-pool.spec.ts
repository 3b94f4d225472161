import { pooledRandomBytes } from './random-pool';

describe('pooledRandomBytes', () => {
  it('hands out the requested size and never the same bytes twice, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const bytes = pooledRandomBytes(10);
      expect(bytes).toHaveLength(10);
      seen.add(bytes.toString('hex'));
    }
    expect(seen.size).toBe(2000);
    expect(pooledRandomBytes(10_000)).toHaveLength(10_000);
  });
});
