import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Env } from '../config/env';
import { runsWorkers } from '../outbox/runs-workers';
import { JOB_QUEUE, JobQueue, QUEUES } from '../queue/job-queue';
import { WebhookJob } from './webhook-intake.service';
import { WebhookProcessorService } from './webhook-processor.service';

const CONCURRENCY = 8;

@Injectable()
export class WebhooksWorker implements OnModuleInit {
  constructor(
    private readonly env: Env,
    private readonly processor: WebhookProcessorService,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    if (!runsWorkers(this.env)) return;
    this.queue.process<WebhookJob>(QUEUES.webhookEvents, (job) => this.processor.process(job.webhookEventId), CONCURRENCY);
  }
}
