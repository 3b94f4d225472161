import { KeyObject } from 'node:crypto';
import { safeEqual } from '../../common/crypto/hmac';
import { jakartaDate } from '../../common/time/jakarta-time';
import { WebhookRejectedError } from '../provider.errors';
import { parseJsonObjectBody } from '../webhook-body';
import { ParsedWebhook, WebhookRequest } from '../qris-provider';
import { assertFreshTimestamp, headerValue } from '../webhook-timestamp';
import { fromSnapAmount, mapSnapStatus } from './snap.mapping';
import { verifyTokenSignature, verifyTransactionSignature } from './snap-signature';

/**
 * How a provider signs its qr-mpm-notify call to us (providers.md §4):
 * - `hmac` (DOKU): X-SIGNATURE = base64(HMAC-SHA512(our client secret,
 *   POST:<notify path>:<bearer token>:lowerhex(sha256(minified body)):X-TIMESTAMP)). DOKU takes the bearer
 *   token from OUR access-token endpoint; this service does not implement that endpoint. With
 *   SNAP_NOTIFY_TOKEN set, the Authorization header must carry exactly that token (issue it to DOKU out of
 *   band); unset, the presented bearer token is used as-is in the string to sign — the HMAC with our client
 *   secret over the body is what authenticates the call either way.
 * - `rsa-client-id` (NICEPAY): X-SIGNATURE = base64(SHA256withRSA(their key, clientId|X-TIMESTAMP)),
 *   verified with their public key. It does NOT cover the body, so the provider sets
 *   `confirmsByStatusQuery` and the webhook processor asks queryStatus before applying any state.
 */
export type SnapNotifyVerification =
  | { scheme: 'hmac'; clientSecret: string; notifyPath: string; token?: string }
  | { scheme: 'rsa-client-id'; publicKey: string | KeyObject | undefined; clientId: string };

export interface SnapWebhookSettings {
  verification: SnapNotifyVerification;
  toleranceSeconds: number;
}

const MAX_ID = 128;

export function parseSnapWebhook(request: WebhookRequest, settings: SnapWebhookSettings): ParsedWebhook {
  const signature = headerValue(request.headers, 'x-signature');
  if (!signature) throw new WebhookRejectedError('signature', 'missing X-SIGNATURE header');
  const timestamp = headerValue(request.headers, 'x-timestamp')?.trim();
  if (!timestamp) throw new WebhookRejectedError('timestamp', 'missing X-TIMESTAMP header');
  verifySignature(request, settings.verification, signature, timestamp);
  const sentAt = assertFreshTimestamp(timestamp, request.receivedAt, settings.toleranceSeconds);

  const externalId = headerValue(request.headers, 'x-external-id')?.trim();
  if (!externalId || externalId.length > 36) throw new WebhookRejectedError('malformed', 'X-EXTERNAL-ID must be 1-36 characters');

  const body = parseJsonObjectBody(request.rawBody);
  const trxId = body.originalReferenceNo;
  if (typeof trxId !== 'string' || trxId.length < 1 || trxId.length > MAX_ID) {
    throw new WebhookRejectedError('malformed', 'originalReferenceNo must be a string of 1-128 characters');
  }
  const amount = fromSnapAmount(body.amount);
  if (amount === null || amount < 1) throw new WebhookRejectedError('malformed', 'amount.value must be a whole rupiah amount in IDR');
  if (typeof body.latestTransactionStatus !== 'string') throw new WebhookRejectedError('malformed', 'latestTransactionStatus must be a string');
  const additional = body.additionalInfo && typeof body.additionalInfo === 'object' ? (body.additionalInfo as Record<string, unknown>) : {};
  const rrn = additional.rrn;
  const refNo = typeof rrn === 'string' && rrn.length > 0 && rrn.length <= MAX_ID ? rrn : null;

  return {
    // X-EXTERNAL-ID is only unique per day, so the (Jakarta) day of the provider's timestamp completes it.
    eventId: `${externalId}:${jakartaDate(sentAt)}`,
    trxId,
    // originalPartnerReferenceNo carries our payment id, not the merchant's order id; it stays in payload.
    orderId: null,
    paymentRef: typeof body.originalPartnerReferenceNo === 'string' ? body.originalPartnerReferenceNo : null,
    amount,
    status: mapSnapStatus(body.latestTransactionStatus),
    refNo,
    payload: body,
  };
}

function verifySignature(request: WebhookRequest, verification: SnapNotifyVerification, signature: string, timestamp: string): void {
  if (verification.scheme === 'hmac') {
    const authorization = headerValue(request.headers, 'authorization')?.trim() ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new WebhookRejectedError('signature', 'missing Authorization: Bearer token');
    const token = match[1];
    if (verification.token !== undefined && !safeEqual(token, verification.token)) {
      throw new WebhookRejectedError('signature', 'bearer token is not the one issued to the provider');
    }
    let ok: boolean;
    try {
      ok = verifyTransactionSignature(
        verification.clientSecret,
        { method: 'POST', relativePath: verification.notifyPath, accessToken: token, body: request.rawBody, timestamp },
        signature,
      );
    } catch {
      // The body could not be minified (not JSON): it cannot carry a valid signature.
      ok = false;
    }
    if (!ok) throw new WebhookRejectedError('signature', 'X-SIGNATURE does not match the request');
    return;
  }
  if (!verification.publicKey) throw new WebhookRejectedError('signature', 'no provider public key configured (SNAP_PROVIDER_PUBLIC_KEY_PATH)');
  if (!verifyTokenSignature(verification.publicKey, verification.clientId, timestamp, signature)) {
    throw new WebhookRejectedError('signature', 'X-SIGNATURE does not verify with the provider public key');
  }
}
