import { KeyObject, createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';

/**
 * Secrets come from configuration (a handful per process), so each is imported as a key once: with a
 * string key createHmac imports it again on every call, most of an HMAC's cost for a small body.
 */
const keys = new Map<string, KeyObject>();

function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    if (keys.size >= 64) keys.clear(); // never grows with traffic; the bound is only a safety net
    keys.set(secret, key);
  }
  return key;
}

/** Lowercase hex HMAC-SHA256 of the exact bytes given (never a re-serialised body). */
export function hmacSha256Hex(secret: string, payload: Buffer | string): string {
  return createHmac('sha256', keyOf(secret)).update(payload).digest('hex');
}

/**
 * Constant-time comparison of two strings. A length mismatch returns false without calling
 * timingSafeEqual (which throws on unequal lengths); the length itself is not secret.
 */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

/** Verifies a hex HMAC-SHA256 signature over raw bytes; case-insensitive on the hex digits. */
export function verifyHmacSha256Hex(secret: string, payload: Buffer | string, signature: string | undefined): boolean {
  if (!signature) return false;
  return safeEqual(hmacSha256Hex(secret, payload), signature.trim().toLowerCase());
}
