import { createHash } from 'node:crypto';
import { safeEqual } from '../../common/crypto/hmac';
import { WebhookRejectedError } from '../provider.errors';
import { parseJsonObjectBody } from '../webhook-body';
import { ParsedWebhook, WebhookRequest } from '../qris-provider';
import { mapMidtransStatus, midtransAmount, midtransRefNo } from './midtrans.mapping';

/** hex(SHA512(order_id + status_code + gross_amount + serverKey)) over the strings exactly as received. */
export function midtransSignature(orderId: string, statusCode: string, grossAmount: string, serverKey: string): string {
  return createHash('sha512').update(`${orderId}${statusCode}${grossAmount}${serverKey}`, 'utf8').digest('hex');
}

const text = (fields: Record<string, unknown>, key: string, max = 191): string => {
  const value = fields[key];
  if (typeof value !== 'string' || value.length < 1 || value.length > max) {
    throw new WebhookRejectedError('malformed', `${key} must be a string of 1-${max} characters`);
  }
  return value;
};

/**
 * Verifies and parses a Midtrans HTTP notification (fixtures/notify.*.json). The signature lives in the
 * body (`signature_key`), so the body is parsed first, but nothing else in it is read before the
 * signature matches. Midtrans sends no timestamp and no event id, so there is no freshness check:
 * replay protection is the event id `transaction_id:transaction_status` (a replay is a duplicate
 * webhook_events row, a no-op) plus the state machine (a replayed older status cannot move a payment
 * back). The signature does not cover transaction_status, so a PAID status is only believed with the
 * signed status_code "200" Midtrans sends for settlement/capture (a signed pending "201" body edited to
 * say settlement is refused).
 */
export function parseMidtransWebhook(request: WebhookRequest, serverKey: string, now: Date): ParsedWebhook {
  void now; // no timestamp in the scheme (see above)
  const fields = parseJsonObjectBody(request.rawBody);

  const signature = fields.signature_key;
  if (typeof signature !== 'string' || signature.length === 0) throw new WebhookRejectedError('signature', 'missing signature_key');
  const orderId = fields.order_id;
  const statusCode = fields.status_code;
  const grossAmount = fields.gross_amount;
  if (typeof orderId !== 'string' || typeof statusCode !== 'string' || typeof grossAmount !== 'string') {
    throw new WebhookRejectedError('signature', 'order_id, status_code and gross_amount must be strings to verify signature_key');
  }
  if (!safeEqual(midtransSignature(orderId, statusCode, grossAmount, serverKey), signature.trim().toLowerCase())) {
    throw new WebhookRejectedError('signature', 'signature_key does not match');
  }

  const trxId = text(fields, 'transaction_id', 128);
  const transactionStatus = text(fields, 'transaction_status', 64);
  const amount = midtransAmount(grossAmount);
  if (amount === null || amount < 1) throw new WebhookRejectedError('malformed', 'gross_amount must be a whole rupiah amount');
  const status = mapMidtransStatus(transactionStatus, fields.fraud_status);
  if (status === 'PAID' && statusCode !== '200') {
    throw new WebhookRejectedError('malformed', `transaction_status ${transactionStatus} with status_code ${statusCode}`);
  }

  return {
    eventId: `${trxId}:${transactionStatus}`,
    trxId,
    // Midtrans's order_id is our payment id, not the merchant's order id (midtrans.mapping.ts), so it is
    // not offered for the order_id comparison.
    orderId: null,
    paymentRef: orderId,
    amount,
    status,
    refNo: midtransRefNo(fields),
    payload: fields,
  };
}
