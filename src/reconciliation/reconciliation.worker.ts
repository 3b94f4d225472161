import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/time/clock';
import { previousJakartaDate } from '../common/time/jakarta-day';
import { Env } from '../config/env';
import { registerCron } from '../jobs/cron';
import { WorkerRole } from '../queue/worker-role';
import { JOB_QUEUE, JobQueue, QUEUES } from '../queue/job-queue';
import { ReconciliationService } from './reconciliation.service';

/** A run created by the admin API, or a day to reconcile (cron: the run is created by the worker). */
export type ReconcileJob = { runId: string } | { date: string };

/**
 * The daily cron (RECONCILE_CRON, Asia/Jakarta) enqueues the previous Jakarta day once, whatever the
 * number of instances (job id per provider and day); workers execute queued runs.
 */
@Injectable()
export class ReconciliationWorker implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(ReconciliationWorker.name);

  constructor(
    private readonly env: Env,
    private readonly workerRole: WorkerRole,
    private readonly clock: Clock,
    private readonly reconciliation: ReconciliationService,
    private readonly registry: SchedulerRegistry,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    if (!this.workerRole.enabled) return;
    this.queue.process<ReconcileJob>(QUEUES.reconcile, (job) => this.handle(job));
  }

  onApplicationBootstrap(): void {
    if (this.env.CRON_ENABLED) registerCron(this.registry, 'reconcile', this.env.RECONCILE_CRON, () => this.tick(), this.logger);
  }

  async tick(): Promise<string> {
    const date = previousJakartaDate(this.clock.now());
    await this.queue.add<ReconcileJob>(QUEUES.reconcile, { date }, { jobId: `reconcile:${this.env.PROVIDER}:${date}` });
    return date;
  }

  private async handle(job: ReconcileJob): Promise<void> {
    const now = () => this.clock.now();
    if ('runId' in job) await this.reconciliation.execute(job.runId, now);
    else await this.reconciliation.runNow(job.date, 'cron', now);
  }
}
