import { MAX_ATTEMPTS, nextRetryDelayMs } from './callback-schedule';

describe('callback retry schedule', () => {
  it('follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then stops after 8 attempts', () => {
    const noJitter = () => 0;
    const delays = Array.from({ length: MAX_ATTEMPTS }, (_, i) => nextRetryDelayMs(i + 1, noJitter));
    expect(delays).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, null]);
  });

  it('adds at most 10% jitter, never less than the schedule', () => {
    expect(nextRetryDelayMs(1, () => 0.999)).toBe(5_499);
    expect(nextRetryDelayMs(2, () => 0.5)).toBe(315_000);
  });
});
