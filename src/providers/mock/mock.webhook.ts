import { tryParseRupiah } from '../../common/money/rupiah';
import { hmacSha256Hex, verifyHmacSha256Hex } from '../../common/crypto/hmac';
import { WebhookRejectedError } from '../provider.errors';
import { parseJsonObjectBody } from '../webhook-body';
import { ParsedWebhook, ProviderPaymentStatus, WebhookRequest } from '../qris-provider';
import { assertFreshTimestamp, headerValue } from '../webhook-timestamp';

export interface MockWebhookSettings {
  secret: string;
  toleranceSeconds: number;
}

const STATUS_TABLE: Record<string, ProviderPaymentStatus> = {
  SUCCESS: 'PAID',
  FAILED: 'FAILED',
  EXPIRED: 'EXPIRED',
};

/**
 * The mock provider's notification: X-Signature = hex HMAC-SHA256(secret, raw body), X-Timestamp (unix
 * seconds or ISO 8601), X-Event-Id; body {trx_id, order_id, amount, status, ref_no}. Signature first, so
 * nothing about an unsigned body is ever looked at.
 */
export function parseMockWebhook(request: WebhookRequest, settings: MockWebhookSettings): ParsedWebhook {
  const signature = headerValue(request.headers, 'x-signature');
  if (!signature) throw new WebhookRejectedError('signature', 'missing X-Signature header');
  if (!verifyHmacSha256Hex(settings.secret, request.rawBody, signature)) {
    throw new WebhookRejectedError('signature', 'X-Signature does not match the body');
  }
  assertFreshTimestamp(headerValue(request.headers, 'x-timestamp'), request.receivedAt, settings.toleranceSeconds);

  const eventId = headerValue(request.headers, 'x-event-id')?.trim();
  if (!eventId || eventId.length > 191) throw new WebhookRejectedError('malformed', 'X-Event-Id must be 1-191 characters');

  const fields = parseJsonObjectBody(request.rawBody);

  const trxId = fields.trx_id;
  if (typeof trxId !== 'string' || trxId.length < 1 || trxId.length > 128) {
    throw new WebhookRejectedError('malformed', 'trx_id must be a string of 1-128 characters');
  }
  const orderId = fields.order_id;
  if (orderId !== undefined && orderId !== null && typeof orderId !== 'string') {
    throw new WebhookRejectedError('malformed', 'order_id must be a string');
  }
  const amount = tryParseRupiah(fields.amount);
  if (amount === null || amount < 1) throw new WebhookRejectedError('malformed', 'amount must be a whole rupiah amount');
  const status = typeof fields.status === 'string' ? STATUS_TABLE[fields.status] : undefined;
  if (!status) throw new WebhookRejectedError('malformed', 'status must be SUCCESS, FAILED or EXPIRED');
  const refNo = fields.ref_no;
  if (refNo !== undefined && refNo !== null && (typeof refNo !== 'string' || refNo.length > 128)) {
    throw new WebhookRejectedError('malformed', 'ref_no must be a string of at most 128 characters');
  }

  return {
    eventId,
    trxId,
    orderId: (orderId as string | undefined) ?? null,
    amount,
    status,
    refNo: (refNo as string | undefined) ?? null,
    payload: fields,
  };
}

/**
 * The headers a mock-provider notification carries, for tools that play the provider (npm run
 * sign-webhook, the benchmarks): the counterpart of parseMockWebhook.
 */
export function mockWebhookHeaders(secret: string, body: string, eventId: string, unixSeconds: number): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-signature': hmacSha256Hex(secret, Buffer.from(body, 'utf8')),
    'x-timestamp': String(unixSeconds),
    'x-event-id': eventId,
  };
}
