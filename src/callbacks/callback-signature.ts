import { createHmac } from 'node:crypto';
import { hmacSha256Hex } from '../common/crypto/hmac';

/**
 * Standard Webhooks keys are written `whsec_<base64 bytes>`; any other CALLBACK_SIGNING_KEY is used as
 * its UTF-8 bytes, the same bytes X-Callback-Signature uses.
 */
export function standardWebhooksKey(signingKey: string): Buffer {
  return signingKey.startsWith('whsec_') ? Buffer.from(signingKey.slice(6), 'base64') : Buffer.from(signingKey, 'utf8');
}

/**
 * Headers that let the merchant check a callback: the brief's X-Callback-Signature (hex HMAC-SHA256 of
 * the raw body) and Standard Webhooks' webhook-id / webhook-timestamp / webhook-signature
 * ("v1," + base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`), which also covers the replay window.
 */
export function callbackSignatureHeaders(signingKey: string, deliveryId: string, unixSeconds: number, body: string): Record<string, string> {
  const signedContent = `${deliveryId}.${unixSeconds}.${body}`;
  const v1 = createHmac('sha256', standardWebhooksKey(signingKey)).update(signedContent).digest('base64');
  return {
    'X-Callback-Signature': hmacSha256Hex(signingKey, body),
    'webhook-id': deliveryId,
    'webhook-timestamp': String(unixSeconds),
    'webhook-signature': `v1,${v1}`,
  };
}
