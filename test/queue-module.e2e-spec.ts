import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { BullJobQueue } from '../src/queue/bull.queue';
import { InProcessJobQueue } from '../src/queue/in-process.queue';
import { JOB_QUEUE, JobQueue, QUEUES } from '../src/queue/job-queue';
import { WorkerRole } from '../src/queue/worker-role';
import { TimedJobQueue } from '../src/queue/timed.queue';
import { startApp } from './support/app-harness';
import { testDatabases } from './support/databases';
import { deleteRedisPrefix, testRedisUrl } from './support/redis';

const redisUrl = testRedisUrl();
const prefix = `qtest-queue-module-${randomBytes(4).toString('hex')}`;
const variants: Array<[string, Record<string, string>, Function]> = [['in-process', {}, InProcessJobQueue]];
if (redisUrl) variants.push(['bull', { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix }, BullJobQueue]);
const sqlite = testDatabases()[0][1];

afterAll(async () => {
  if (redisUrl) await deleteRedisPrefix(redisUrl, prefix);
});

describe.each(variants)('QueueModule (%s)', (_name, extraEnv, driverClass) => {
  it('provides the driver for the configuration and lets a running job finish before the app closes', async () => {
    const db = await sqlite();
    // WORKERS=false: no feature module registers handlers, so this test owns the queue's handler.
    const running = await startApp({ DB_URL: db.url, WORKERS: 'false', CRON_ENABLED: 'false', ...extraEnv });
    try {
      const queue = running.app.get<JobQueue>(JOB_QUEUE);
      // The app times every job (job_duration_seconds) by wrapping the configured driver.
      expect(queue).toBeInstanceOf(TimedJobQueue);
      expect((queue as TimedJobQueue).driver).toBeInstanceOf(driverClass);
      expect(running.app.get(WorkerRole).enabled).toBe(false);
      let started = false;
      let finished = false;
      queue.process(QUEUES.janitor, async () => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished = true;
      });
      await queue.add(QUEUES.janitor, {});
      const deadline = Date.now() + 5000;
      while (!started && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(started).toBe(true);
      await running.close();
      expect(finished).toBe(true);
    } finally {
      await db.drop();
    }
  });
});
