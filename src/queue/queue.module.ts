import { BeforeApplicationShutdown, Global, Inject, Logger, Module } from '@nestjs/common';
import { Env } from '../config/env';
import { MetricsService } from '../metrics/metrics.service';
import { BullJobQueue } from './bull.queue';
import { InProcessJobQueue } from './in-process.queue';
import { JOB_QUEUE, JobQueue } from './job-queue';
import { TimedJobQueue } from './timed.queue';
import { WorkerRole } from './worker-role';

/**
 * Provides JOB_QUEUE: Bull when REDIS_URL is set, the in-process driver otherwise. Closed in
 * beforeApplicationShutdown, which Nest runs before onApplicationShutdown, where TypeORM closes the
 * database: in-flight jobs finish while their database is still there.
 */
@Global()
@Module({
  providers: [
    {
      provide: JOB_QUEUE,
      inject: [Env, { token: MetricsService, optional: true }],
      useFactory: (env: Env, metrics?: MetricsService): JobQueue => {
        const logger = new Logger('JobQueue');
        const driver = env.REDIS_URL
          ? new BullJobQueue({ redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, logger })
          : new InProcessJobQueue(logger);
        return metrics ? new TimedJobQueue(driver, metrics) : driver;
      },
    },
    WorkerRole,
  ],
  exports: [JOB_QUEUE, WorkerRole],
})
export class QueueModule implements BeforeApplicationShutdown {
  constructor(@Inject(JOB_QUEUE) private readonly queue: JobQueue) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
