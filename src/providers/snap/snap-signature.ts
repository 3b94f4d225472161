import { createHash, createHmac, createSign, createVerify, KeyObject } from 'node:crypto';
import { safeEqual } from '../../common/crypto/hmac';

/**
 * Bank Indonesia SNAP signatures (providers.md §4). Pure: no clock, no I/O. Keys are PEM text or KeyObjects.
 */

/** X-TIMESTAMP: `yyyy-MM-ddTHH:mm:ss+07:00` (Jakarta wall time, no milliseconds). */
export function snapTimestamp(date: Date): string {
  const shifted = new Date(date.getTime() + 7 * 60 * 60 * 1000).toISOString();
  return `${shifted.slice(0, 19)}+07:00`;
}

/**
 * JSON with no insignificant whitespace. For a body we built ourselves this is exactly what is sent; for a
 * received body it re-minifies the provider's text (JSON.parse + stringify keeps key order and string
 * escapes as JSON.stringify writes them, which is what SNAP's reference implementations do too).
 */
export function minifyJson(body: string | Buffer): string {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') return '';
  return JSON.stringify(JSON.parse(text));
}

/** lowercase hex SHA-256 of the minified body (the empty string for a bodiless GET). */
export function snapBodyHash(body: string | Buffer): string {
  return createHash('sha256').update(minifyJson(body), 'utf8').digest('hex');
}

export interface TransactionSignatureInput {
  method: string;
  /** Path after the host including any provider prefix and query, e.g. /snap-adapter/b2b/v1.0/qr/qr-mpm-generate. */
  relativePath: string;
  accessToken: string;
  body: string | Buffer;
  timestamp: string;
}

/** The string the transaction signature covers: METHOD:path:token:lowerhex(sha256(minified body)):timestamp. */
export function transactionStringToSign(input: TransactionSignatureInput): string {
  return `${input.method.toUpperCase()}:${input.relativePath}:${input.accessToken}:${snapBodyHash(input.body)}:${input.timestamp}`;
}

/** X-SIGNATURE of a transaction call: base64(HMAC-SHA512(clientSecret, stringToSign)). */
export function transactionSignature(clientSecret: string, input: TransactionSignatureInput): string {
  return createHmac('sha512', clientSecret).update(transactionStringToSign(input), 'utf8').digest('base64');
}

/** Constant-time check of a received HMAC-SHA512 transaction signature (DOKU's notifications). */
export function verifyTransactionSignature(clientSecret: string, input: TransactionSignatureInput, signature: string | undefined): boolean {
  if (!signature) return false;
  return safeEqual(transactionSignature(clientSecret, input), signature.trim());
}

/** X-SIGNATURE of the access-token call: base64(SHA256withRSA(privateKey, clientId|timestamp)). */
export function tokenSignature(privateKey: string | KeyObject, clientId: string, timestamp: string): string {
  return createSign('RSA-SHA256').update(`${clientId}|${timestamp}`, 'utf8').sign(privateKey, 'base64');
}

/** Verifies an asymmetric `clientId|timestamp` signature (NICEPAY's notifications, our own token endpoint). */
export function verifyTokenSignature(publicKey: string | KeyObject, clientId: string, timestamp: string, signature: string | undefined): boolean {
  if (!signature) return false;
  try {
    return createVerify('RSA-SHA256').update(`${clientId}|${timestamp}`, 'utf8').verify(publicKey, signature.trim(), 'base64');
  } catch {
    // A malformed key or signature is a failed verification, never a 500.
    return false;
  }
}
