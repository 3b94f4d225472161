/**
 * The small queue interface every background job goes through. Two drivers implement it: Bull on
 * Redis (REDIS_URL set; several processes share the work) and an in-process driver (zero setup).
 * Delivery is at least once, so handlers must be idempotent; the database (outbox rows) is the source
 * of truth and a dispatcher re-enqueues whatever a crash or a Redis outage dropped.
 */
export const JOB_QUEUE = Symbol('JOB_QUEUE');

/** Queue names used across the service. */
export const QUEUES = {
  webhookEvents: 'webhook-events',
  callbacks: 'callbacks',
  expire: 'expire',
  reconcile: 'reconcile',
  janitor: 'janitor',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobOptions {
  /** Dedupe: while a job with this id is waiting, delayed or running, adding it again does nothing. */
  jobId?: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Total attempts including the first (default 1). */
  attempts?: number;
  /** Base delay of the exponential backoff (with jitter) between attempts (default 1000). */
  backoffMs?: number;
}

export interface JobContext {
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
}

export type JobHandler<T> = (data: T, context: JobContext) => Promise<void>;

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface JobQueue {
  add<T>(queue: QueueName, data: T, options?: JobOptions): Promise<void>;
  /** Registers the worker for a queue; only in processes that run workers (WORKERS=true). */
  process<T>(queue: QueueName, handler: JobHandler<T>, concurrency?: number): void;
  counts(queue: QueueName): Promise<QueueCounts>;
  /** Stops taking jobs, waits for running ones to finish, releases connections. */
  close(): Promise<void>;
}
