/** Longest wait between two attempts, whatever attempts/backoffMs ask for (also keeps timers in range). */
export const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_BACKOFF_MS = 1000;

/**
 * Delay before the next attempt after attempt `failedAttempt` (1-based) failed:
 * backoffMs * 2^(failedAttempt-1) * uniform(0.75, 1.25), capped at MAX_BACKOFF_MS.
 *
 * Jitter spreads retries of jobs that failed together (a provider or merchant outage). The ±25% band,
 * narrower than full jitter, keeps the mean on the nominal schedule and makes every gap longer than the
 * one before (2 * 0.75 > 1.25), so a flapping dependency gets steadily more room.
 */
export function backoffDelay(failedAttempt: number, backoffMs = DEFAULT_BACKOFF_MS, random: () => number = Math.random): number {
  const nominal = backoffMs * 2 ** Math.max(0, failedAttempt - 1);
  return Math.round(Math.min(MAX_BACKOFF_MS, nominal * (0.75 + random() * 0.5)));
}
