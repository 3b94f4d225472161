import { pooledRandomBytes } from './random-pool';

let lastMillis = 0;
let sequence = 0;

/**
 * A time-ordered UUID (RFC 9562 version 7), monotonic within this process: a 12-bit counter orders ids
 * minted in the same millisecond. Used for append-only rows whose order matters (payment_logs), so that
 * "ORDER BY created_at, id" is the order in which they were written even within one millisecond.
 */
export function uuidv7(): string {
  let millis = Date.now();
  if (millis <= lastMillis) {
    sequence++;
    if (sequence > 0xfff) {
      lastMillis++;
      sequence = 0;
    }
    millis = lastMillis;
  } else {
    lastMillis = millis;
    sequence = 0;
  }
  const bytes = pooledRandomBytes(16);
  bytes.writeUIntBE(millis, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
