import { JobOptions, QueueName } from './job-queue';

/** add() or process() after close(): the caller learns the job was not taken (the outbox keeps it). */
export class QueueClosedError extends Error {
  constructor(queue: QueueName) {
    super(`Queue ${queue} is closed`);
    this.name = 'QueueClosedError';
  }
}

export interface NormalizedJobOptions {
  jobId?: string;
  delayMs: number;
  attempts: number;
  backoffMs?: number;
}

/** Shared by both drivers so a bad option fails the same way on either. */
export function normalizeJobOptions(options: JobOptions): NormalizedJobOptions {
  const { jobId, delayMs = 0, attempts = 1, backoffMs } = options;
  if (jobId !== undefined && (typeof jobId !== 'string' || jobId.length === 0)) throw new TypeError('jobId must be a non-empty string');
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new TypeError('delayMs must be a number >= 0');
  if (!Number.isInteger(attempts) || attempts < 1) throw new TypeError('attempts must be an integer >= 1');
  if (backoffMs !== undefined && (!Number.isFinite(backoffMs) || backoffMs < 0)) throw new TypeError('backoffMs must be a number >= 0');
  return { jobId, delayMs: Math.round(delayMs), attempts, backoffMs };
}

export function normalizeConcurrency(concurrency: number): number {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new TypeError('concurrency must be an integer >= 1');
  return concurrency;
}
