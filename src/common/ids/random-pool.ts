import { randomFillSync } from 'node:crypto';

/**
 * Random bytes drawn from the OS 4 KiB at a time, as Node's randomUUID does: a getrandom syscall costs
 * ~10 µs on this kind of VM, so one per id on a hot path shows in profiles. Bytes are never handed out
 * twice; the view returned is only valid until the caller is done with it synchronously (copy to keep).
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = POOL_BYTES;

export function pooledRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES) return randomFillSync(Buffer.allocUnsafe(size));
  if (poolOffset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + size);
  poolOffset += size;
  return bytes;
}
