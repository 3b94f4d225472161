import { Logger, LoggerService } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DEFAULT_BACKOFF_MS, backoffDelay } from './backoff';
import { JobHandler, JobOptions, JobQueue, QueueCounts, QueueName } from './job-queue';
import { QueueClosedError, normalizeConcurrency, normalizeJobOptions } from './job-options';

interface LocalJob {
  id: string;
  data: unknown;
  attempt: number;
  attempts: number;
  backoffMs: number;
}

/**
 * First in, first out with O(1) take: Array#shift moves every remaining element, which turned a
 * backlog of thousands of webhook jobs (a provider's burst) into quadratic work on the event loop.
 */
class Fifo<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    // Drop the consumed prefix once it is most of the array (amortised O(1)).
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

interface LocalQueue {
  handler?: JobHandler<unknown>;
  concurrency: number;
  waiting: Fifo<LocalJob>;
  delayed: Map<string, NodeJS.Timeout>;
  active: Set<string>;
  /** Every job id currently waiting, delayed (including between retries) or active: the dedupe set. */
  known: Set<string>;
  failed: number;
}

// setTimeout fires at once for delays above 2^31-1 ms (~24.8 days); longer waits are re-armed.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The zero-setup driver (no REDIS_URL): jobs live in this process's memory, so a crash or a restart
 * loses whatever was waiting; the outbox rows in the database are what brings such work back.
 * Data is JSON-copied on add, exactly as Bull stores it, so a handler never sees a Date or a class
 * instance here that it would not see in production.
 */
export class InProcessJobQueue implements JobQueue {
  private readonly queues = new Map<QueueName, LocalQueue>();
  private readonly running = new Set<Promise<void>>();
  private closing = false;

  constructor(private readonly logger: LoggerService = new Logger(InProcessJobQueue.name)) {}

  async add<T>(queue: QueueName, data: T, options: JobOptions = {}): Promise<void> {
    if (this.closing) throw new QueueClosedError(queue);
    const opts = normalizeJobOptions(options);
    const q = this.queue(queue);
    const id = opts.jobId ?? randomUUID();
    if (q.known.has(id)) return;
    q.known.add(id);
    const job: LocalJob = {
      id,
      data: data === undefined ? undefined : JSON.parse(JSON.stringify(data)),
      attempt: 1,
      attempts: opts.attempts,
      backoffMs: opts.backoffMs ?? DEFAULT_BACKOFF_MS,
    };
    if (opts.delayMs > 0) this.schedule(queue, q, job, opts.delayMs);
    else this.enqueue(queue, q, job);
  }

  process<T>(queue: QueueName, handler: JobHandler<T>, concurrency = 1): void {
    if (this.closing) throw new QueueClosedError(queue);
    const q = this.queue(queue);
    if (q.handler) throw new Error(`A handler for queue ${queue} is already registered`);
    q.handler = handler as JobHandler<unknown>;
    q.concurrency = normalizeConcurrency(concurrency);
    this.pump(queue, q);
  }

  async counts(queue: QueueName): Promise<QueueCounts> {
    const q = this.queue(queue);
    return { waiting: q.waiting.length, active: q.active.size, delayed: q.delayed.size, failed: q.failed };
  }

  /** Takes no new jobs, drops waiting and delayed ones (memory only), and waits for running handlers. */
  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      for (const [name, q] of this.queues) {
        for (const timer of q.delayed.values()) clearTimeout(timer);
        const dropped = q.waiting.length + q.delayed.size;
        if (dropped > 0) this.logger.warn(`Queue ${name}: ${dropped} pending job(s) dropped at shutdown`);
        q.waiting = new Fifo();
        q.delayed.clear();
      }
    }
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private queue(name: QueueName): LocalQueue {
    let q = this.queues.get(name);
    if (!q) {
      q = { concurrency: 1, waiting: new Fifo(), delayed: new Map(), active: new Set(), known: new Set(), failed: 0 };
      this.queues.set(name, q);
    }
    return q;
  }

  private enqueue(name: QueueName, q: LocalQueue, job: LocalJob): void {
    q.waiting.push(job);
    this.pump(name, q);
  }

  private schedule(name: QueueName, q: LocalQueue, job: LocalJob, delayMs: number): void {
    const dueAt = Date.now() + delayMs;
    const arm = (): void => {
      const timer = setTimeout(() => {
        if (Date.now() < dueAt) return arm();
        q.delayed.delete(job.id);
        this.enqueue(name, q, job);
      }, Math.min(Math.max(0, dueAt - Date.now()), MAX_TIMER_MS));
      // A pending retry must not keep a process alive that has nothing else to do.
      timer.unref();
      q.delayed.set(job.id, timer);
    };
    arm();
  }

  private pump(name: QueueName, q: LocalQueue): void {
    while (!this.closing && q.handler && q.active.size < q.concurrency && q.waiting.length > 0) {
      const job = q.waiting.take()!;
      q.active.add(job.id);
      const run: Promise<void> = this.execute(name, q, q.handler, job).finally(() => {
        q.active.delete(job.id);
        this.running.delete(run);
        this.pump(name, q);
      });
      this.running.add(run);
    }
  }

  /** Never rejects: a failure becomes a retry or a failed count. */
  private async execute(name: QueueName, q: LocalQueue, handler: JobHandler<unknown>, job: LocalJob): Promise<void> {
    try {
      await handler(job.data, { jobId: job.id, attempt: job.attempt });
      q.known.delete(job.id);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (job.attempt < job.attempts && !this.closing) {
        const delay = backoffDelay(job.attempt, job.backoffMs);
        this.logger.warn(`Queue ${name}: job ${job.id} attempt ${job.attempt}/${job.attempts} failed (${reason}); retry in ${delay} ms`);
        job.attempt += 1;
        this.schedule(name, q, job, delay);
        return;
      }
      q.known.delete(job.id);
      if (this.closing && job.attempt < job.attempts) {
        this.logger.warn(`Queue ${name}: job ${job.id} failed during shutdown (${reason}); not retried here`);
        return;
      }
      q.failed += 1;
      this.logger.error(`Queue ${name}: job ${job.id} failed after ${job.attempt} attempt(s): ${reason}`);
    }
  }
}
