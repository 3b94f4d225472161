/**
 * Svix's schedule: after the first attempt fails, wait 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight
 * attempts over about 28 hours — then give up (FAILED, resendable from admin).
 */
export const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/**
 * When attempt `failedAttempt` (1-based) failed, the delay before the next one, or null when it was the
 * last. Up to 10% jitter, always later than the schedule, so many merchants failing at once spread out.
 */
export function nextRetryDelayMs(failedAttempt: number, random: () => number = Math.random): number | null {
  const base = RETRY_DELAYS_MS[failedAttempt - 1];
  if (base === undefined) return null;
  return base + Math.floor(base * 0.1 * random());
}
