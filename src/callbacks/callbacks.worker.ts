import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { WorkerRole } from '../queue/worker-role';
import { JOB_QUEUE, JobQueue, QUEUES } from '../queue/job-queue';
import { CallbackDeliveryService } from './callback-delivery.service';
import { CallbackJob } from './callback-outbox.service';

/** Merchant callbacks are I/O-bound (slow merchants wait out their timeout), hence the concurrency. */
const CONCURRENCY = 16;

@Injectable()
export class CallbacksWorker implements OnModuleInit {
  constructor(
    private readonly workerRole: WorkerRole,
    private readonly deliveries: CallbackDeliveryService,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    if (!this.workerRole.enabled) return;
    this.queue.process<CallbackJob>(QUEUES.callbacks, (job) => this.deliveries.deliver(job.deliveryId, job.attempt), CONCURRENCY);
  }
}
