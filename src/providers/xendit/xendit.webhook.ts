import { safeEqual } from '../../common/crypto/hmac';
import { WebhookRejectedError } from '../provider.errors';
import { parseJsonObjectBody } from '../webhook-body';
import { ParsedWebhook, WebhookRequest } from '../qris-provider';
import { assertFreshTimestamp, headerValue } from '../webhook-timestamp';
import { mapXenditStatus, xenditAmount } from './xendit.mapping';

export interface XenditWebhookSettings {
  /** The callback verification token from the Xendit dashboard (PROVIDER_WEBHOOK_SECRET). */
  callbackToken: string;
  toleranceSeconds: number;
}

const text = (fields: Record<string, unknown>, key: string, max = 191): string => {
  const value = fields[key];
  if (typeof value !== 'string' || value.length < 1 || value.length > max) {
    throw new WebhookRejectedError('malformed', `data.${key} must be a string of 1-${max} characters`);
  }
  return value;
};

/**
 * Verifies and parses a Xendit QR payment callback (fixtures/notify.*.json). Xendit does not sign the
 * body: it sends the dashboard's verification token in `x-callback-token`, compared in constant time
 * before anything else is read. The body's `created` (ISO 8601) is used as the event timestamp when
 * present and must lie within WEBHOOK_TOLERANCE_SECONDS of receipt, which bounds replays of a captured
 * callback; a Xendit retry delivered later than that is refused (401) and the janitor's status query
 * (GET /qr_codes/{id}/payments) settles the payment instead. Event id = data.id (qrpy_…), so a
 * redelivery is a duplicate no-op. Only `qr.payment` events are accepted.
 */
export function parseXenditWebhook(request: WebhookRequest, settings: XenditWebhookSettings): ParsedWebhook {
  const token = headerValue(request.headers, 'x-callback-token');
  if (!token) throw new WebhookRejectedError('signature', 'missing x-callback-token header');
  if (!safeEqual(token.trim(), settings.callbackToken.trim())) throw new WebhookRejectedError('signature', 'x-callback-token does not match');

  const fields = parseJsonObjectBody(request.rawBody);
  if (fields.created !== undefined) assertFreshTimestamp(String(fields.created), request.receivedAt, settings.toleranceSeconds);
  if (fields.event !== 'qr.payment') throw new WebhookRejectedError('malformed', 'event must be qr.payment');
  const data = fields.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new WebhookRejectedError('malformed', 'data must be an object');
  const payment = data as Record<string, unknown>;

  const eventId = text(payment, 'id');
  const trxId = text(payment, 'qr_id', 128);
  if (payment.currency !== undefined && payment.currency !== 'IDR') throw new WebhookRejectedError('malformed', 'data.currency must be IDR');
  const amount = xenditAmount(payment.amount);
  if (amount === null || amount < 1) throw new WebhookRejectedError('malformed', 'data.amount must be a whole rupiah amount');
  const detail = payment.payment_detail as Record<string, unknown> | undefined;
  const receipt = detail && typeof detail === 'object' ? detail.receipt_id : undefined;

  return {
    eventId,
    trxId,
    // reference_id is our payment id, not the merchant's order id (xendit.mapping.ts).
    orderId: null,
    paymentRef: typeof payment.reference_id === 'string' ? payment.reference_id : null,
    amount,
    status: mapXenditStatus(payment.status),
    refNo: typeof receipt === 'string' && receipt.length > 0 && receipt.length <= 128 ? receipt : null,
    payload: fields,
  };
}
