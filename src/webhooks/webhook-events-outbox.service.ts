import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/time/clock';
import { Db } from '../database/db';
import { WebhookEventEntity } from '../database/entities/webhook-event.entity';
import { WebhookJobs } from './webhook-jobs';

const DISPATCH_BATCH = 500;

/** Re-enqueues stored events still PENDING (the job was lost to a crash or a queue outage). */
@Injectable()
export class WebhookEventsOutboxService {
  private readonly logger = new Logger(WebhookEventsOutboxService.name);

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly jobs: WebhookJobs,
  ) {}

  /** Events received at least `minAgeMs` ago, oldest first, so a pass that finds the same events makes the same jobs (see WebhookJobs). */
  async enqueuePending(minAgeMs: number): Promise<number> {
    const before = new Date(this.clock.now().getTime() - minAgeMs);
    const pending = await this.db.manager
      .createQueryBuilder(WebhookEventEntity, 'e')
      .select(['e.id'])
      .where('e.status = :status', { status: 'PENDING' })
      .andWhere('e.received_at <= :before', { before })
      .orderBy('e.received_at', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .limit(DISPATCH_BATCH)
      .getMany();
    try {
      await Promise.all(pending.map((event) => this.jobs.enqueue(event.id)));
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'could not enqueue webhook events; will retry');
      return 0;
    }
    return pending.length;
  }
}
