import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ConcurrencyLimit } from '../common/async/concurrency-limit';
import { Db } from '../database/db';
import { WorkerRole } from '../queue/worker-role';
import { JOB_QUEUE, JobQueue, QUEUES } from '../queue/job-queue';
import { WebhookJob, eventIdsOf } from './webhook-jobs';
import { WebhookProcessorService } from './webhook-processor.service';

/**
 * Events applied at once per worker process, whatever jobs they came in. On MySQL each is a group-committed
 * transaction that mostly waits on round trips and its COMMIT, and more at once make larger groups (fewer
 * round trips per event): after a 4 s burst on MariaDB, processing ran on 22.9 s at 1, 5.4 s at 8 and 1.5 s
 * at 32 (755, 1,872 and 2,630 events applied per second end to end), while intake fell from 5.1k to 3.6k
 * req/s. On SQLite every write of the process is serial anyway: 32 only let processing crowd out intake
 * (webhook intake 0.56 -> 0.37 x the echo in `npm run bench -- --quick`, and fewer events applied end to
 * end). PostgreSQL runs each unit on its own connection from the pool of 20 the API uses too, and is not
 * benchmarked: it stays at 8, leaving the API connections under a backlog. Figures in bench/README.md.
 */
const EVENTS_AT_ONCE = { sqlite: 8, mysql: 32, postgres: 8 } as const;

@Injectable()
export class WebhooksWorker implements OnModuleInit {
  constructor(
    private readonly workerRole: WorkerRole,
    private readonly processor: WebhookProcessorService,
    private readonly db: Db,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    if (!this.workerRole.enabled) return;
    const atOnce = EVENTS_AT_ONCE[this.db.kind];
    const limit = new ConcurrencyLimit(atOnce);
    this.queue.process<WebhookJob>(QUEUES.webhookEvents, (job) => this.applyAll(eventIdsOf(job), limit), atOnce);
  }

  /**
   * Every event of the job gets its try. If any fails, the job does, once the others are done; a failed
   * event is still PENDING (its transaction rolled back) and the outbox dispatcher queues it again.
   */
  private async applyAll(eventIds: string[], limit: ConcurrencyLimit): Promise<void> {
    const results = await Promise.allSettled(eventIds.map((id) => limit.run(() => this.processor.process(id))));
    const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failures.length === 0) return;
    if (eventIds.length === 1) throw failures[0].reason;
    const first = failures[0].reason instanceof Error ? failures[0].reason.message : String(failures[0].reason);
    throw new Error(`${failures.length} of ${eventIds.length} webhook events failed; the first: ${first}`);
  }
}
