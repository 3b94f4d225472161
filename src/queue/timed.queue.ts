import type { MetricsService } from '../metrics/metrics.service';
import { JobHandler, JobOptions, JobQueue, QueueCounts, QueueName } from './job-queue';

/** Wraps a driver so every job's run time lands in job_duration_seconds{job=<queue>}, whatever the driver. */
export class TimedJobQueue implements JobQueue {
  constructor(
    readonly driver: JobQueue,
    private readonly metrics: MetricsService,
  ) {}

  add<T>(queue: QueueName, data: T, options?: JobOptions): Promise<void> {
    return this.driver.add(queue, data, options);
  }

  process<T>(queue: QueueName, handler: JobHandler<T>, concurrency?: number): void {
    this.driver.process<T>(
      queue,
      async (data, context) => {
        const end = this.metrics.jobDuration.startTimer({ job: queue });
        try {
          await handler(data, context);
        } finally {
          end();
        }
      },
      concurrency,
    );
  }

  counts(queue: QueueName): Promise<QueueCounts> {
    return this.driver.counts(queue);
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
