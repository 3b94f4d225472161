import { Logger, LoggerService } from '@nestjs/common';
import Bull from 'bull';
import Redis, { RedisOptions } from 'ioredis';
import { DEFAULT_BACKOFF_MS, backoffDelay } from './backoff';
import { JobHandler, JobOptions, JobQueue, QUEUES, QueueCounts, QueueName } from './job-queue';
import { QueueClosedError, normalizeConcurrency, normalizeJobOptions } from './job-options';

export interface BullJobQueueOptions {
  redisUrl: string;
  /** Redis key prefix: deployments (and test files) with different prefixes never see each other's jobs. */
  prefix: string;
  logger?: LoggerService;
}

const JITTERED_EXPONENTIAL = 'jittered-exponential';
// Failed jobs stay visible (counts, inspection) for a week, at most this many per queue.
const KEEP_FAILED = { age: 7 * 24 * 3600, count: 1000 };

/**
 * The Redis driver: several API and worker processes share one set of queues. Built on `bull` directly
 * rather than @nestjs/bull: queues here are created and handled behind the JobQueue port at runtime
 * (handlers registered only when WORKERS=true), which BullModule's decorator-based processors and
 * per-queue module registration would spread across every feature module.
 *
 * Connections: one command and one subscriber connection shared by all queues (Bull's documented
 * connection reuse), plus a blocking connection per queue that has a handler.
 */
export class BullJobQueue implements JobQueue {
  private readonly queues = new Map<QueueName, Bull.Queue>();
  private readonly handled = new Set<QueueName>();
  private readonly connections: Redis[] = [];
  private readonly logger: LoggerService;
  private shared?: { client: Redis; subscriber: Redis };
  private closing?: Promise<void>;
  private closed = false;

  constructor(private readonly options: BullJobQueueOptions) {
    this.logger = options.logger ?? new Logger(BullJobQueue.name);
    for (const name of Object.values(QUEUES)) this.queues.set(name, this.createQueue(name));
  }

  async add<T>(queue: QueueName, data: T, options: JobOptions = {}): Promise<void> {
    // Adding stays possible while close() drains: Redis keeps the job for the other workers.
    if (this.closed) throw new QueueClosedError(queue);
    const opts = normalizeJobOptions(options);
    const q = this.queue(queue);
    if (opts.jobId !== undefined) await this.releaseFinishedId(q, opts.jobId);
    await q.add(data, {
      jobId: opts.jobId,
      delay: opts.delayMs,
      attempts: opts.attempts,
      backoff: { type: JITTERED_EXPONENTIAL, options: { baseMs: opts.backoffMs ?? DEFAULT_BACKOFF_MS } },
      removeOnComplete: true,
      removeOnFail: KEEP_FAILED,
    });
  }

  process<T>(queue: QueueName, handler: JobHandler<T>, concurrency = 1): void {
    if (this.closing) throw new QueueClosedError(queue);
    if (this.handled.has(queue)) throw new Error(`A handler for queue ${queue} is already registered`);
    this.handled.add(queue);
    const q = this.queue(queue);
    // Bull's promise settles only when the queue closes; its failures are logged, never thrown at a caller.
    q.process(normalizeConcurrency(concurrency), (job: Bull.Job<T>) =>
      handler(job.data, { jobId: String(job.id), attempt: job.attemptsMade + 1 }),
    ).catch((error: unknown) => {
      if (!this.closing) this.logger.error(`Queue ${queue}: worker stopped: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  async counts(queue: QueueName): Promise<QueueCounts> {
    const c = (await this.queue(queue).getJobCounts()) as Bull.JobCounts & { paused?: number };
    return { waiting: c.waiting + (c.paused ?? 0), active: c.active, delayed: c.delayed, failed: c.failed };
  }

  /** Bull's close pauses this process's workers, waits for their active jobs, then we drop the connections. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.queues].map(async ([name, q]) => {
        if (this.handled.has(name)) await this.workerStarted(q);
        await q.close();
      }));
      this.closed = true;
      // quit() on a connection that is not ready waits behind its offline queue (Bull's queued commands)
      // for a connection that may never come: ~10 s of retries on the command connection while Redis is
      // down, so a SIGTERM during an outage would hang that long. Those commands can only fail anyway.
      await Promise.all(this.connections.map((c) => (c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect())));
    })();
    return this.closing;
  }

  /**
   * Bull's close() does not wait for a worker loop that is still starting, and that loop would then
   * open its blocking connection after we released ours (a socket that keeps the process alive).
   * Bull exposes no "started" signal, so wait (briefly, bounded) for that connection to be ready.
   */
  private async workerStarted(q: Bull.Queue): Promise<void> {
    const internals = q as unknown as { bclientInitialized?: boolean; bclient?: Redis };
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline && !(internals.bclientInitialized && internals.bclient?.status === 'ready')) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private queue(name: QueueName): Bull.Queue {
    const q = this.queues.get(name);
    if (!q) throw new Error(`Unknown queue ${name}`);
    return q;
  }

  private createQueue(name: QueueName): Bull.Queue {
    const q = new Bull(name, {
      prefix: this.options.prefix,
      createClient: (type) => this.connection(type),
      settings: {
        backoffStrategies: {
          [JITTERED_EXPONENTIAL]: (attemptsMade: number, _error: Error, options?: { baseMs?: number }) =>
            backoffDelay(attemptsMade, options?.baseMs ?? DEFAULT_BACKOFF_MS),
        },
      } as Bull.AdvancedSettings,
    });
    q.on('error', (error: Error) => this.logger.error(`Queue ${name}: ${error.message}`));
    q.on('failed', (job: Bull.Job, error: Error) => {
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      const message = `Queue ${name}: job ${job.id} attempt ${job.attemptsMade}/${job.opts.attempts ?? 1} failed: ${error.message}`;
      if (final) this.logger.error(message);
      else this.logger.warn(message);
    });
    return q;
  }

  /**
   * Bull ignores an add whose jobId still exists in any state. Completed jobs are removed, but a failed
   * one is kept for inspection; the port promises dedupe only while waiting, delayed or active, so a
   * failed job with this id is removed first and the id can run again (e.g. an outbox re-dispatch).
   */
  private async releaseFinishedId(q: Bull.Queue, jobId: string): Promise<void> {
    const existing = await q.getJob(jobId);
    if (!existing) return;
    if ((await existing.isFailed()) || (await existing.isCompleted())) await existing.remove().catch(() => undefined);
  }

  private connection(type: 'client' | 'subscriber' | 'bclient'): Redis {
    if (type === 'bclient') return this.connect({ maxRetriesPerRequest: null, enableReadyCheck: false });
    if (!this.shared) {
      this.shared = {
        // Commands issued in one event-loop turn (many jobs' adds under load) go out in one socket write.
        client: this.connect({ enableAutoPipelining: true }),
        subscriber: this.connect({ maxRetriesPerRequest: null, enableReadyCheck: false }),
      };
      // Bull puts an 'error' listener per queue on each shared connection, and one more per queue while
      // it waits for that connection to be ready (worker name, event subscriptions): ours + 2 per queue,
      // bounded (11 with 5 queues, held as long as Redis is unreachable), not a leak, but above the
      // default warning threshold of 10 (MaxListenersExceededWarning "... to [Commander]").
      const bound = 1 + 2 * Object.values(QUEUES).length + 5;
      this.shared.client.setMaxListeners(bound);
      this.shared.subscriber.setMaxListeners(bound);
    }
    return this.shared[type];
  }

  private connect(options: RedisOptions): Redis {
    const redis = new Redis(this.options.redisUrl, options);
    // ioredis reconnects by itself; without a listener each failed attempt would be an unhandled 'error'.
    redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    this.connections.push(redis);
    return redis;
  }
}
