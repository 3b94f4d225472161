import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/time/clock';
import { WorkerRole } from '../queue/worker-role';
import { JOB_QUEUE, JobQueue, QUEUES } from '../queue/job-queue';
import { ExpireService } from './expire.service';
import { JanitorService } from './janitor.service';
import { TickJob } from './jobs.scheduler';

/** Handles the expire and janitor queues, only in processes that run workers. */
@Injectable()
export class JobsWorker implements OnModuleInit {
  constructor(
    private readonly workerRole: WorkerRole,
    private readonly clock: Clock,
    private readonly expire: ExpireService,
    private readonly janitor: JanitorService,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    if (!this.workerRole.enabled) return;
    // "now" is read when the job runs, not when it was ticked: a late job still expires what is due.
    this.queue.process<TickJob>(QUEUES.expire, async () => void (await this.expire.expireDue(this.clock.now())));
    this.queue.process<TickJob>(QUEUES.janitor, async () => void (await this.janitor.sweep(this.clock.now())));
  }
}
