import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/time/clock';
import { Db } from '../database/db';
import { WebhookEventEntity } from '../database/entities/webhook-event.entity';
import { JOB_QUEUE, JobQueue, QUEUES } from '../queue/job-queue';
import { WebhookJob } from './webhook-intake.service';

const DISPATCH_BATCH = 500;

/** Re-enqueues stored events still PENDING (the job was lost to a crash or a queue outage). */
@Injectable()
export class WebhookEventsOutboxService {
  private readonly logger = new Logger(WebhookEventsOutboxService.name);

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  /** Events received at least `minAgeMs` ago; the job id is the event id, so a queued one is not doubled. */
  async enqueuePending(minAgeMs: number): Promise<number> {
    const before = new Date(this.clock.now().getTime() - minAgeMs);
    const pending = await this.db.manager
      .createQueryBuilder(WebhookEventEntity, 'e')
      .select(['e.id'])
      .where('e.status = :status', { status: 'PENDING' })
      .andWhere('e.received_at <= :before', { before })
      .orderBy('e.received_at', 'ASC')
      .limit(DISPATCH_BATCH)
      .getMany();
    try {
      for (const event of pending) await this.queue.add<WebhookJob>(QUEUES.webhookEvents, { webhookEventId: event.id }, { jobId: event.id });
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'could not enqueue webhook events; will retry');
      return 0;
    }
    return pending.length;
  }
}
