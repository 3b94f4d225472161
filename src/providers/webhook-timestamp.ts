import { WebhookRejectedError } from './provider.errors';

/**
 * Reads a webhook timestamp given as unix seconds or ISO 8601 and checks it lies within the tolerance of
 * `now` (both directions, since clocks skew both ways). Shared by every adapter that signs timestamps.
 */
export function assertFreshTimestamp(value: string | undefined, now: Date, toleranceSeconds: number): Date {
  if (!value || value.trim() === '') throw new WebhookRejectedError('timestamp', 'missing timestamp header');
  const text = value.trim();
  const millis = /^\d{9,11}$/.test(text) ? Number(text) * 1000 : /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(millis)) throw new WebhookRejectedError('timestamp', 'timestamp is neither unix seconds nor ISO 8601');
  if (Math.abs(now.getTime() - millis) > toleranceSeconds * 1000) {
    throw new WebhookRejectedError('timestamp', 'timestamp outside the allowed tolerance');
  }
  return new Date(millis);
}

/** One header value, whatever casing or repetition the client used (Node lowercases names). */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
