import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { WorkerRole } from '../queue/worker-role';
import { JOB_QUEUE, JobQueue, QUEUES } from '../queue/job-queue';
import { WebhookJob } from './webhook-intake.service';
import { WebhookProcessorService } from './webhook-processor.service';

/**
 * Events applied at once per worker process. Each is a few statements in its own transaction, so on
 * MySQL/PostgreSQL it mostly waits on round trips and the COMMIT's fsync: at 8 a 10 s burst on MariaDB left
 * a 20 s backlog with the CPUs half idle; at 32 the units share larger group commits and the backlog was
 * 6 s (bench/README.md). On SQLite the units are serial anyway and 32 costs nothing.
 */
const CONCURRENCY = 32;

@Injectable()
export class WebhooksWorker implements OnModuleInit {
  constructor(
    private readonly workerRole: WorkerRole,
    private readonly processor: WebhookProcessorService,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    if (!this.workerRole.enabled) return;
    this.queue.process<WebhookJob>(QUEUES.webhookEvents, (job) => this.processor.process(job.webhookEventId), CONCURRENCY);
  }
}
