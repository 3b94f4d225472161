import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/time/clock';
import { Db } from '../database/db';
import { CallbackDeliveryEntity } from '../database/entities/callback-delivery.entity';
import { JOB_QUEUE, JobQueue, QUEUES } from '../queue/job-queue';

export interface CallbackJob {
  deliveryId: string;
  /** 1-based; the job id `${deliveryId}:${attempt}` makes re-dispatching the same attempt a no-op. */
  attempt: number;
}

const DISPATCH_BATCH = 500;

/** Hands due callback deliveries (outbox rows) to the queue. */
@Injectable()
export class CallbackOutboxService {
  private readonly logger = new Logger(CallbackOutboxService.name);

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  async enqueue(deliveryId: string, attempt: number): Promise<void> {
    const job: CallbackJob = { deliveryId, attempt };
    await this.queue.add(QUEUES.callbacks, job, { jobId: `${deliveryId}:${attempt}` });
  }

  /**
   * Queues the first attempt of a delivery just recorded. A queue failure is logged and left to the
   * dispatcher, which finds the PENDING row on its next poll.
   */
  async enqueueFirstAttempt(deliveryId: string): Promise<void> {
    try {
      await this.enqueue(deliveryId, 1);
    } catch (error) {
      this.logger.warn({ deliveryId, error: (error as Error).message }, 'could not enqueue a callback; the dispatcher will');
    }
  }

  /**
   * Enqueues every PENDING delivery whose next attempt is due. Safe to call
   * any time, from any process: the deterministic job ids dedupe, and the handler claims each attempt.
   * A queue failure is logged and left to the next dispatch: the row is the source of truth.
   */
  async enqueueDue(): Promise<number> {
    const query = this.db.manager
      .createQueryBuilder(CallbackDeliveryEntity, 'd')
      .where('d.status = :status', { status: 'PENDING' })
      .andWhere('d.next_attempt_at <= :now', { now: this.clock.now() })
      .orderBy('d.next_attempt_at', 'ASC')
      .limit(DISPATCH_BATCH);
    const due = await query.getMany();
    try {
      for (const delivery of due) await this.enqueue(delivery.id, delivery.attempts + 1);
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'could not enqueue callbacks; the dispatcher will retry');
      return 0;
    }
    return due.length;
  }
}
