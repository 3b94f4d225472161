/**
 * In-process rate-limit counters with the semantics of @nestjs/throttler's ThrottlerStorageService
 * (a sliding log: each hit counts for `ttl` ms after it was made; over the limit the key is blocked for
 * `blockDuration`), at O(1) amortised per request. The library's store re-filters the whole hit list of
 * a key on every request (O(hits in the window), ~10^5 entries for one busy client under a high limit);
 * here expirations are appended in time order, so expired hits are dropped from the front, and hits of
 * the same millisecond share one entry.
 */
export interface MemoryThrottlerRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

interface Entry {
  /** Window end, for the reported reset. */
  expiresAt: number;
  blockExpiresAt: number;
  isBlocked: boolean;
  /** Hit expirations (ms), non-decreasing, from `head`; counts[i] hits expire at times[i]. */
  times: number[];
  counts: number[];
  head: number;
  live: number;
}

const SWEEP_INTERVAL_MS = 60_000;

export class MemoryThrottlerStorage {
  private readonly entries = new Map<string, Entry>();
  private sweep: NodeJS.Timeout | undefined;

  increment(key: string, ttl: number, limit: number, blockDuration: number): MemoryThrottlerRecord {
    const now = Date.now();
    this.ensureSweep();
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { expiresAt: now + ttl, blockExpiresAt: 0, isBlocked: false, times: [], counts: [], head: 0, live: 0 };
      this.entries.set(key, entry);
    }
    prune(entry, now);
    let timeToExpire = Math.ceil((entry.expiresAt - now) / 1000);
    if (timeToExpire <= 0) {
      entry.expiresAt = now + ttl;
      timeToExpire = Math.ceil((entry.expiresAt - now) / 1000);
    }
    if (blockDuration <= 0) {
      const isBlocked = entry.live >= limit;
      if (!isBlocked) hit(entry, now + ttl);
      const first = entry.head < entry.times.length ? entry.times[entry.head] : undefined;
      const timeToBlockExpire = first !== undefined ? Math.ceil((first - now) / 1000) : timeToExpire;
      return { totalHits: entry.live + (isBlocked ? 1 : 0), timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToBlockExpire : 0 };
    }
    if (!entry.isBlocked) hit(entry, now + ttl);
    if (entry.live > limit && !entry.isBlocked) {
      entry.isBlocked = true;
      entry.blockExpiresAt = now + blockDuration;
    }
    const timeToBlockExpire = Math.ceil((entry.blockExpiresAt - now) / 1000);
    if (timeToBlockExpire <= 0 && entry.isBlocked) {
      entry.isBlocked = false;
      entry.times = [];
      entry.counts = [];
      entry.head = 0;
      entry.live = 0;
      hit(entry, now + ttl);
    }
    return { totalHits: entry.live, timeToExpire, isBlocked: entry.isBlocked, timeToBlockExpire };
  }

  close(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = undefined;
    this.entries.clear();
  }

  /** Forgets keys with no live hit, no running window and no block. */
  evictIdle(now = Date.now()): void {
    for (const [key, entry] of this.entries) {
      if (entry.isBlocked && entry.blockExpiresAt > now) continue;
      if (entry.expiresAt > now) continue;
      prune(entry, now);
      if (entry.live > 0) continue;
      this.entries.delete(key);
    }
  }

  private ensureSweep(): void {
    if (this.sweep) return;
    this.sweep = setInterval(() => this.evictIdle(), SWEEP_INTERVAL_MS);
    this.sweep.unref?.();
  }
}

function hit(entry: Entry, expiresAt: number): void {
  const last = entry.times.length - 1;
  if (last >= entry.head && entry.times[last] === expiresAt) entry.counts[last]++;
  else {
    entry.times.push(expiresAt);
    entry.counts.push(1);
  }
  entry.live++;
}

function prune(entry: Entry, now: number): void {
  const { times, counts } = entry;
  let head = entry.head;
  while (head < times.length && times[head] <= now) {
    entry.live -= counts[head];
    head++;
  }
  if (head === times.length) {
    if (head > 0) {
      entry.times = [];
      entry.counts = [];
    }
    head = 0;
  } else if (head > 1024 && head * 2 > times.length) {
    entry.times = times.slice(head);
    entry.counts = counts.slice(head);
    head = 0;
  }
  entry.head = head;
}
