import { tryParseRupiah } from '../../common/money/rupiah';
import { jakartaDayRange } from '../../common/time/jakarta-day';
import { CreateQrRequest, ProviderPaymentStatus, ProviderStatus, SettlementRow } from '../qris-provider';

export const XENDIT_BASE_URL = 'https://api.xendit.co';
export const XENDIT_API_VERSION = '2022-07-31';

/** POST /qr_codes body (providers.md §3). */
export interface XenditQrCodeRequest {
  reference_id: string;
  type: 'DYNAMIC';
  currency: 'IDR';
  amount: number;
  expires_at: string;
}

/** The parts of a QR code we read (fixtures/qr_code.ok.json). */
export interface XenditQrCode {
  id?: string;
  reference_id?: string;
  qr_string?: string;
  status?: string;
  expires_at?: string;
  amount?: number;
}

/** A QR payment, as in the callback's `data` and GET /qr_codes/{id}/payments (fixtures/notify.*.json). */
export interface XenditQrPayment {
  id?: string;
  qr_id?: string;
  reference_id?: string;
  amount?: number | string;
  currency?: string;
  status?: string;
  created?: string;
  payment_detail?: { receipt_id?: string; source?: string };
}

/** One row of GET /transactions (fixtures/transactions.page*.json). */
export interface XenditTransaction {
  id?: string;
  product_id?: string;
  reference_id?: string;
  type?: string;
  status?: string;
  channel_category?: string;
  channel_code?: string;
  amount?: number | string;
  net_amount?: number | string;
  created?: string;
  fee?: { xendit_fee?: number | string; value_added_tax?: number | string };
}

/**
 * reference_id is our payment id (as with Midtrans's order_id): unique across merchants and attempts,
 * within Xendit's limits, and echoed in every callback, so a Xendit QR leads back to one payment. The
 * returned `id` (qr_…) is our provider_trx_id.
 */
export function toQrCodeRequest(request: CreateQrRequest): XenditQrCodeRequest {
  return { reference_id: request.paymentId, type: 'DYNAMIC', currency: 'IDR', amount: request.amount, expires_at: request.expiresAt.toISOString() };
}

/** SUCCEEDED → PAID, FAILED → FAILED, anything else (including new statuses) → PENDING. */
export function mapXenditStatus(status: unknown): ProviderPaymentStatus {
  if (status === 'SUCCEEDED') return 'PAID';
  if (status === 'FAILED') return 'FAILED';
  return 'PENDING';
}

/** Xendit sends IDR amounts as JSON numbers; exact whole rupiah or null. */
export function xenditAmount(value: unknown): number | null {
  return tryParseRupiah(value);
}

export function parseXenditTime(value: unknown): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const millis = Date.parse(value);
  return Number.isFinite(millis) ? new Date(millis) : null;
}

/** The most recent payment of a QR code (by `created`), as our status; PENDING when nobody has paid. */
export function latestPaymentStatus(payments: XenditQrPayment[]): ProviderStatus {
  const latest = [...payments].sort((a, b) => (parseXenditTime(b.created)?.getTime() ?? 0) - (parseXenditTime(a.created)?.getTime() ?? 0))[0];
  if (!latest) return { status: 'PENDING', refNo: null, paidAt: null, amount: null };
  const status = mapXenditStatus(latest.status);
  return {
    status,
    refNo: typeof latest.payment_detail?.receipt_id === 'string' ? latest.payment_detail.receipt_id : null,
    paidAt: status === 'PAID' ? parseXenditTime(latest.created) : null,
    amount: xenditAmount(latest.amount),
  };
}

/** GET /transactions query for one Jakarta day of successful QRIS payments, 50 per page, after_id paging. */
export function transactionsQuery(date: string, afterId?: string): string {
  const { from, to } = jakartaDayRange(date);
  const params = new URLSearchParams();
  params.append('types', 'PAYMENT');
  params.append('channel_categories', 'QR_CODE');
  params.append('statuses', 'SUCCESS');
  params.append('created[gte]', from.toISOString());
  params.append('created[lte]', new Date(to.getTime() - 1).toISOString());
  params.append('limit', '50');
  if (afterId) params.append('after_id', afterId);
  return `/transactions?${params.toString()}`;
}

/** Rupiah with up to two decimals → integer cents, by string inspection (never float arithmetic). */
function cents(value: unknown): number | null {
  if (value === undefined || value === null) return 0;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/**
 * A settled transaction → SettlementRow. Join key: `product_id`, the QR code id (qr_…) the payment was
 * made on, which is our provider_trx_id (*unverified*: Xendit documents product_id as "the id of the
 * product", e.g. the QR code; reference_id, our payment id, is kept in the payload for a manual join).
 * fee = xendit_fee + value_added_tax, rounded half up to whole rupiah; net = net_amount when Xendit
 * gives it, else amount − fee. Returns null for rows that are not successful QR payments.
 */
export function toSettlementRow(tx: XenditTransaction, date: string): SettlementRow | null {
  if (tx.type !== 'PAYMENT' || tx.status !== 'SUCCESS') return null;
  if (typeof tx.product_id !== 'string' || tx.product_id.length === 0) return null;
  const amount = xenditAmount(tx.amount);
  const xenditFee = cents(tx.fee?.xendit_fee);
  const vat = cents(tx.fee?.value_added_tax);
  if (amount === null || xenditFee === null || vat === null) throw new RangeError(`transaction ${tx.id}: amount or fee is not rupiah`);
  const fee = Math.floor((xenditFee + vat + 50) / 100);
  const netCents = tx.net_amount === undefined ? null : cents(tx.net_amount);
  const netAmount = netCents === null ? amount - fee : Math.floor((netCents + 50) / 100);
  return { providerTrxId: tx.product_id, amount, fee, netAmount, settlementDate: date, fileId: `xendit-transactions-${date}`, paidAt: parseXenditTime(tx.created) };
}
