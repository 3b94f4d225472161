import { Inject, Injectable } from '@nestjs/common';
import { TurnBatch } from '../common/async/turn-batch';
import { JOB_QUEUE, JobQueue, QUEUES } from '../queue/job-queue';

/** A job of the webhook-events queue: events stored together, applied together. */
export interface WebhookJob {
  webhookEventIds: string[];
}

/** The one-event job of the versions before batching, still in Redis during a rolling deploy. */
interface SingleEventJob {
  webhookEventId: string;
}

export function eventIdsOf(job: WebhookJob | SingleEventJob): string[] {
  return 'webhookEventIds' in job ? job.webhookEventIds : [job.webhookEventId];
}

/** Events per job, at most. */
const MAX_EVENTS_PER_JOB = 64;

interface Pending {
  eventId: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Queues stored webhook events, those of one event-loop turn as one job: under a provider's burst, the
 * requests of one group commit. A Bull job costs the same whatever it carries (its add, fetch, lock and
 * completion: ~500 µs of this process's CPU per event on MariaDB + Redis with one job each, against ~310 µs
 * for the rest of the intake), and the worker then applies a job's events together, sharing group commits.
 */
@Injectable()
export class WebhookJobs {
  private readonly turn = new TurnBatch<Pending>(MAX_EVENTS_PER_JOB, (batch) => void this.add(batch));

  constructor(@Inject(JOB_QUEUE) private readonly queue: JobQueue) {}

  /** Settles once the job that carries the event is queued, or rejects with the queue's error. */
  enqueue(eventId: string): Promise<void> {
    return new Promise((resolve, reject) => this.turn.add({ eventId, resolve, reject }));
  }

  private async add(batch: Pending[]): Promise<void> {
    const ids = batch.map((entry) => entry.eventId);
    try {
      // The first event's id: the same events dispatched again in the same order, while their job is still
      // queued, are dropped as a duplicate. An event in two jobs is harmless: it is claimed once.
      await this.queue.add<WebhookJob>(QUEUES.webhookEvents, { webhookEventIds: ids }, { jobId: ids[0] });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    for (const entry of batch) entry.resolve();
  }
}
