import { tryParseRupiah } from '../../common/money/rupiah';
import { CreateQrRequest, ProviderPaymentStatus } from '../qris-provider';

/** Acquirers Midtrans offers for QRIS (providers.md §2). */
export const MIDTRANS_ACQUIRERS = ['gopay', 'airpay shopee'] as const;
export type MidtransAcquirer = (typeof MIDTRANS_ACQUIRERS)[number];

export const MIDTRANS_SANDBOX_URL = 'https://api.sandbox.midtrans.com';
export const MIDTRANS_PRODUCTION_URL = 'https://api.midtrans.com';

/** POST /v2/charge body for a QRIS charge. */
export interface MidtransChargeRequest {
  payment_type: 'qris';
  transaction_details: { order_id: string; gross_amount: number };
  qris: { acquirer: MidtransAcquirer };
  custom_expiry: { expiry_duration: number; unit: 'minute' };
}

/** The parts of the charge / status answers we read (fixtures/charge.ok.json, status.settlement.json). */
export interface MidtransTransaction {
  status_code?: string;
  status_message?: string;
  transaction_id?: string;
  order_id?: string;
  gross_amount?: string;
  transaction_status?: string;
  fraud_status?: string;
  qr_string?: string;
  expiry_time?: string;
  settlement_time?: string;
  transaction_time?: string;
}

/**
 * The Midtrans order_id is our payment id, not the merchant's order id: a UUID (36 characters) always
 * fits Midtrans's 50-character order_id of letters, digits and `-_.~`, while a merchant order id may be
 * up to 64 characters of anything; it is unique across merchants sharing one Midtrans account; and it
 * comes back signed in every notification and status answer, so a Midtrans transaction always leads
 * back to exactly one of our payments (besides transaction_id, stored as provider_trx_id).
 */
export function toChargeRequest(request: CreateQrRequest, acquirer: MidtransAcquirer, now: Date): MidtransChargeRequest {
  return {
    payment_type: 'qris',
    transaction_details: { order_id: request.paymentId, gross_amount: request.amount },
    qris: { acquirer },
    custom_expiry: { expiry_duration: expiryMinutes(request.expiresAt, now), unit: 'minute' },
  };
}

/** Whole minutes from now until expiresAt, rounded up, at least 1. */
export function expiryMinutes(expiresAt: Date, now: Date): number {
  return Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 60_000));
}

/**
 * Status table (providers.md §2/§6). `capture` is a card status; it means paid only with fraud_status
 * accept (a `challenge` waits). Anything else, including statuses Midtrans adds later, is PENDING.
 */
const STATUS_TABLE: Record<string, ProviderPaymentStatus> = {
  settlement: 'PAID',
  pending: 'PENDING',
  authorize: 'PENDING',
  expire: 'EXPIRED',
  deny: 'FAILED',
  cancel: 'FAILED',
  failure: 'FAILED',
  refund: 'REFUNDED',
  partial_refund: 'REFUNDED',
};

export function mapMidtransStatus(transactionStatus: unknown, fraudStatus?: unknown): ProviderPaymentStatus {
  if (typeof transactionStatus !== 'string') return 'PENDING';
  const status = transactionStatus.trim().toLowerCase();
  if (status === 'capture') return fraudStatus === 'accept' ? 'PAID' : fraudStatus === 'deny' ? 'FAILED' : 'PENDING';
  return Object.prototype.hasOwnProperty.call(STATUS_TABLE, status) ? STATUS_TABLE[status] : 'PENDING';
}

/** "275000.00" → 275000, exactly (string inspection, no floats); null for anything else. */
export function midtransAmount(value: unknown): number | null {
  return typeof value === 'string' ? tryParseRupiah(value) : null;
}

/**
 * Midtrans times ("2025-10-26 12:15:00") are Asia/Jakarta wall-clock time without an offset (WIB, UTC+7,
 * no daylight saving). Null when absent or not in that shape.
 */
export function parseMidtransTime(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(value.trim());
  if (!match) return null;
  const millis = Date.parse(`${match[1]}T${match[2]}+07:00`);
  return Number.isFinite(millis) ? new Date(millis) : null;
}

/** The Jakarta calendar day of a Midtrans time string, or null. */
export function midtransDay(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(:\d{2})?$/.exec(value.trim());
  return match ? match[1] : null;
}

/** The notification/query field that carries the issuer's reference, where Midtrans sends one (*unverified* names). */
export function midtransRefNo(fields: Record<string, unknown>): string | null {
  for (const key of ['reference_id', 'rrn', 'issuer_reference']) {
    const value = fields[key];
    if (typeof value === 'string' && value.length > 0 && value.length <= 128) return value;
  }
  return null;
}
