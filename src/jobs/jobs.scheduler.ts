import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/time/clock';
import { Env } from '../config/env';
import { JOB_QUEUE, JobQueue, QUEUES } from '../queue/job-queue';
import { registerCron, tickKey } from './cron';

export interface TickJob {
  tick: string;
}

/**
 * Every instance runs the crons, and each tick adds one job with an id derived from the tick's minute,
 * so however many instances tick, the queue holds one job per tick.
 */
@Injectable()
export class JobsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobsScheduler.name);

  constructor(
    private readonly env: Env,
    private readonly clock: Clock,
    private readonly registry: SchedulerRegistry,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.env.CRON_ENABLED) return;
    registerCron(this.registry, 'expire', this.env.EXPIRE_CRON, () => this.tickExpire(), this.logger);
    registerCron(this.registry, 'janitor', this.env.JANITOR_CRON, () => this.tickJanitor(), this.logger);
  }

  async tickExpire(): Promise<string> {
    const tick = tickKey(this.clock.now());
    await this.queue.add<TickJob>(QUEUES.expire, { tick }, { jobId: `expire:${tick}` });
    return tick;
  }

  async tickJanitor(): Promise<string> {
    const tick = tickKey(this.clock.now());
    await this.queue.add<TickJob>(QUEUES.janitor, { tick }, { jobId: `janitor:${tick}` });
    return tick;
  }
}
