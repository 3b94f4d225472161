import { MAX_BACKOFF_MS, backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles per attempt within a ±25% band', () => {
    expect(backoffDelay(1, 1000, () => 0)).toBe(750);
    expect(backoffDelay(1, 1000, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, 1000, () => 0.5)).toBe(4000);
    expect(backoffDelay(3, 1000, () => 0.999999)).toBe(5000);
  });

  it('always grows from one attempt to the next, whatever the jitter', () => {
    for (let attempt = 1; attempt < 15; attempt++) {
      expect(backoffDelay(attempt + 1, 100, () => 0)).toBeGreaterThan(backoffDelay(attempt, 100, () => 0.999999));
    }
  });

  it('is capped', () => {
    expect(backoffDelay(60, 1000)).toBe(MAX_BACKOFF_MS);
  });
});
