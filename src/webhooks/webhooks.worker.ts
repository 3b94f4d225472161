import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { WorkerRole } from '../queue/worker-role';
import { JOB_QUEUE, JobQueue, QUEUES } from '../queue/job-queue';
import { WebhookJob } from './webhook-intake.service';
import { WebhookProcessorService } from './webhook-processor.service';

const CONCURRENCY = 8;

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
