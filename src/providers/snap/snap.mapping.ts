import { formatRupiahDecimal, tryParseRupiah } from '../../common/money/rupiah';
import { ProviderPaymentStatus } from '../qris-provider';

/** Pure BI SNAP wire ↔ domain conversions (providers.md §4). */

export interface SnapAmount {
  value: string;
  currency: string;
}

/** Whole rupiah → SNAP amount: always two decimals, built as text, never through a float. */
export function toSnapAmount(rupiah: number): SnapAmount {
  return { value: formatRupiahDecimal(rupiah), currency: 'IDR' };
}

/** SNAP amount → whole rupiah, exactly ("10000.00" → 10000); null for a fraction, non-IDR or garbage. */
export function fromSnapAmount(amount: unknown): number | null {
  if (!amount || typeof amount !== 'object') return null;
  const { value, currency } = amount as { value?: unknown; currency?: unknown };
  if (currency !== undefined && currency !== 'IDR') return null;
  // SNAP says a string; a number is accepted only when it is an exact integer.
  if (typeof value !== 'string' && !(typeof value === 'number' && Number.isSafeInteger(value))) return null;
  return tryParseRupiah(value);
}

/**
 * latestTransactionStatus → our status. One table for the query response and the notification.
 * - 00 success → PAID
 * - 01 initiated, 02 paying, 03 pending → PENDING
 * - 04 refunded → REFUNDED
 * - 05 cancelled, 06 failed → FAILED (a cancelled QR can no longer be paid; we have no CANCELLED state)
 * - 07 not found → PENDING, deliberately: "not found" right after generate can be replication lag at the
 *   provider, and a payment must never be failed on a guess. The expire job ends it at expires_at; the
 *   query path surfaces 07 as `notFound` so a caller can log it.
 * - anything else → PENDING (never PAID).
 */
const STATUS_TABLE: Record<string, ProviderPaymentStatus> = {
  '00': 'PAID',
  '01': 'PENDING',
  '02': 'PENDING',
  '03': 'PENDING',
  '04': 'REFUNDED',
  '05': 'FAILED',
  '06': 'FAILED',
  '07': 'PENDING',
};

export function mapSnapStatus(code: unknown): ProviderPaymentStatus {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(STATUS_TABLE, code) ? STATUS_TABLE[code] : 'PENDING';
}

export interface SnapResponseCode {
  httpStatus: number;
  serviceCode: string;
  caseCode: string;
}

/** "2004700" → {httpStatus: 200, serviceCode: "47", caseCode: "00"}; null when not 7 digits. */
export function parseResponseCode(code: unknown): SnapResponseCode | null {
  if (typeof code !== 'string' || !/^\d{7}$/.test(code)) return null;
  return { httpStatus: Number(code.slice(0, 3)), serviceCode: code.slice(3, 5), caseCode: code.slice(5, 7) };
}

/** SNAP datetime (ISO 8601 with offset) → Date; null when absent or unparseable. */
export function parseSnapTime(value: unknown): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const millis = Date.parse(value);
  return Number.isFinite(millis) ? new Date(millis) : null;
}
