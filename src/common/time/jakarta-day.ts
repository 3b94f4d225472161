import { jakartaDate } from './jakarta-time';

const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (2025-02-30 is not one). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** The instants of one Jakarta calendar day: from (inclusive) to (exclusive). Jakarta has no DST. */
export function jakartaDayRange(date: string): { from: Date; to: Date } {
  if (!isCalendarDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const from = new Date(`${date}T00:00:00+07:00`);
  return { from, to: new Date(from.getTime() + DAY_MS) };
}

/** The Jakarta calendar day before the one `now` falls in. */
export function previousJakartaDate(now: Date): string {
  return jakartaDate(new Date(now.getTime() - DAY_MS));
}
