import { randomFillSync } from 'node:crypto';

/** Random bytes drawn 4 KiB at a time (one syscall per 256 ids, as Node's randomUUID does), never reused. */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = POOL_BYTES;

function random16(): Buffer {
  if (poolOffset + 16 > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  return bytes;
}

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
  const bytes = random16();
  bytes.writeUIntBE(millis, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
