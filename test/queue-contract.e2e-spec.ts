import 'reflect-metadata';
import { LoggerService } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { InProcessJobQueue } from '../src/queue/in-process.queue';
import { JobContext, JobQueue, QUEUES } from '../src/queue/job-queue';
import { deleteRedisPrefix, testRedisUrl } from './support/redis';

/**
 * One behaviour, two drivers: every case below runs against the in-process queue and, when
 * TEST_REDIS_URL is set (required with CI=true), against Bull on Redis.
 */
const silent: LoggerService = { log() {}, error() {}, warn() {}, debug() {}, verbose() {} };

interface Driver {
  /** A fresh queue; instances made with the same `shared` key see the same jobs (Bull only). */
  create(shared?: string): JobQueue;
  /** Base backoff the timing cases use: small, but above the driver's scheduling noise. */
  backoffMs: number;
  cleanup(): Promise<void>;
}

function inProcessDriver(): Driver {
  return { create: () => new InProcessJobQueue(silent), backoffMs: 40, cleanup: async () => undefined };
}

function bullDriver(url: string): Driver {
  // Loaded lazily so the in-process half of the suite does not depend on the Bull driver.
  const { BullJobQueue } = require('../src/queue/bull.queue') as typeof import('../src/queue/bull.queue');
  const filePrefix = `qtest-queue-contract-${randomBytes(4).toString('hex')}`;
  let n = 0;
  return {
    create: (shared) => new BullJobQueue({ redisUrl: url, prefix: `${filePrefix}-${shared ?? ++n}`, logger: silent }),
    backoffMs: 100,
    cleanup: () => deleteRedisPrefix(url, filePrefix),
  };
}

const drivers: Array<[string, () => Driver]> = [['in-process', inProcessDriver]];
const redisUrl = testRedisUrl();
if (redisUrl) drivers.push(['bull', () => bullDriver(redisUrl)]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe.each(drivers)('JobQueue contract: %s', (_name, makeDriver) => {
  const queueName = QUEUES.janitor;
  let driver: Driver;
  let open: JobQueue[] = [];

  const newQueue = (shared?: string): JobQueue => {
    const queue = driver.create(shared);
    open.push(queue);
    return queue;
  };

  beforeAll(() => {
    driver = makeDriver();
  });
  afterEach(async () => {
    await Promise.all(open.map((queue) => queue.close()));
    open = [];
  });
  afterAll(async () => {
    await driver.cleanup();
  });

  it('runs a job once with its data, id and attempt 1', async () => {
    const queue = newQueue();
    const calls: Array<[unknown, JobContext]> = [];
    queue.process(queueName, async (data, context) => {
      calls.push([data, context]);
    });
    await queue.add(queueName, { paymentId: 'p-1', at: new Date('2025-01-02T03:04:05Z') }, { jobId: 'job-1' });
    await waitFor(() => calls.length === 1);
    await sleep(100);
    expect(calls).toEqual([[{ paymentId: 'p-1', at: '2025-01-02T03:04:05.000Z' }, { jobId: 'job-1', attempt: 1 }]]);
    await waitFor(async () => (await queue.counts(queueName)).active === 0);
    expect(await queue.counts(queueName)).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
  });

  it('retries with a growing backoff until the handler succeeds', async () => {
    const queue = newQueue();
    const attempts: Array<{ attempt: number; at: number }> = [];
    queue.process(queueName, async (_data, { attempt }) => {
      attempts.push({ attempt, at: Date.now() });
      if (attempt < 4) throw new Error(`boom ${attempt}`);
    });
    await queue.add(queueName, {}, { attempts: 5, backoffMs: driver.backoffMs });
    await waitFor(() => attempts.length === 4);
    await sleep(driver.backoffMs * 3);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    // Timers only ever fire late, so each gap's lower bound (0.75 * backoffMs * 2^i) is exact while
    // its upper end carries scheduling noise; growing lower bounds show the exponential schedule.
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i].at);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(0.75 * driver.backoffMs * 2 ** i - 5));
    expect(gaps[2]).toBeGreaterThan(gaps[0]);
    expect((await queue.counts(queueName)).failed).toBe(0);
  });

  it('gives up after `attempts` and counts the job as failed', async () => {
    const queue = newQueue();
    let calls = 0;
    queue.process(queueName, async () => {
      calls += 1;
      throw new Error('always');
    });
    await queue.add(queueName, {}, { attempts: 3, backoffMs: 10 });
    await waitFor(async () => (await queue.counts(queueName)).failed === 1);
    await sleep(200);
    expect(calls).toBe(3);
    expect(await queue.counts(queueName)).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 1 });
  });

  it('does not run a delayed job before its delay', async () => {
    const queue = newQueue();
    let ranAt = 0;
    queue.process(queueName, async () => {
      ranAt = Date.now();
    });
    const addedAt = Date.now();
    await queue.add(queueName, {}, { delayMs: 400 });
    await sleep(200);
    expect(ranAt).toBe(0);
    expect((await queue.counts(queueName)).delayed).toBe(1);
    await waitFor(() => ranAt > 0);
    expect(ranAt - addedAt).toBeGreaterThanOrEqual(395);
  });

  it('dedupes by jobId while the job is pending or running, and runs the id again once it is done', async () => {
    const queue = newQueue();
    let calls = 0;
    queue.process(queueName, async () => {
      calls += 1;
      await sleep(300);
    });
    await Promise.all(Array.from({ length: 20 }, () => queue.add(queueName, {}, { jobId: 'same' })));
    await waitFor(() => calls === 1);
    await queue.add(queueName, {}, { jobId: 'same' });
    await waitFor(async () => (await queue.counts(queueName)).active === 0);
    await sleep(100);
    expect(calls).toBe(1);

    await queue.add(queueName, {}, { jobId: 'same' });
    await waitFor(() => calls === 2);
  });

  it('respects the concurrency limit', async () => {
    const queue = newQueue();
    let current = 0;
    let peak = 0;
    let done = 0;
    queue.process(
      queueName,
      async () => {
        current += 1;
        peak = Math.max(peak, current);
        await sleep(100);
        current -= 1;
        done += 1;
      },
      2,
    );
    await Promise.all(Array.from({ length: 6 }, (_, i) => queue.add(queueName, { i })));
    await waitFor(() => done === 6);
    expect(peak).toBe(2);
  });

  it('close() waits for the running job to finish, then takes no new jobs', async () => {
    const queue = driver.create();
    let started = 0;
    let finished = 0;
    queue.process(queueName, async () => {
      started += 1;
      await sleep(300);
      finished += 1;
    });
    await queue.add(queueName, {});
    await waitFor(() => started === 1);
    const closing = queue.close();
    await sleep(50);
    expect(finished).toBe(0);
    await closing;
    expect(finished).toBe(1);
    await expect(queue.add(queueName, {})).rejects.toThrow(/closed/);
    await sleep(100);
    expect(started).toBe(1);
  });

  it('keeps a job added before any handler and runs it once a handler registers', async () => {
    const queue = newQueue();
    await queue.add(queueName, { early: true });
    await sleep(100);
    expect((await queue.counts(queueName)).waiting).toBe(1);
    const seen: unknown[] = [];
    queue.process(queueName, async (data) => {
      seen.push(data);
    });
    await waitFor(() => seen.length === 1);
    await sleep(100);
    expect(seen).toEqual([{ early: true }]);
  });

  it('refuses a second handler for the same queue', () => {
    const queue = newQueue();
    queue.process(queueName, async () => undefined);
    expect(() => queue.process(queueName, async () => undefined)).toThrow(/already/);
  });

  if (_name === 'bull') {
    it('shares the work between two instances on one prefix: each job runs exactly once', async () => {
      const a = newQueue('shared');
      const b = newQueue('shared');
      const runs: Record<string, string[]> = {};
      const handler = (who: string) => async (data: { n: number }) => {
        (runs[data.n] ??= []).push(who);
        await sleep(50);
      };
      a.process(queueName, handler('a'), 2);
      b.process(queueName, handler('b'), 2);
      await Promise.all(Array.from({ length: 20 }, (_, n) => (n % 2 ? a : b).add(queueName, { n }, { jobId: `shared-${n}` })));
      await waitFor(() => Object.keys(runs).length === 20);
      await sleep(200);
      expect(Object.values(runs).every((who) => who.length === 1)).toBe(true);
      const byA = Object.values(runs).filter((who) => who[0] === 'a').length;
      expect(byA).toBeGreaterThan(0);
      expect(byA).toBeLessThan(20);
    });
  }
});
