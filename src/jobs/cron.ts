import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';

export const JOBS_TIME_ZONE = 'Asia/Jakarta';

/**
 * Registers a cron (Asia/Jakarta) with @nestjs/schedule, which stops it on shutdown. The tick only
 * enqueues; a failure is logged, never thrown into the timer.
 */
export function registerCron(registry: SchedulerRegistry, name: string, expression: string, tick: () => Promise<unknown>, logger: Logger): void {
  const job = CronJob.from({
    cronTime: expression,
    timeZone: JOBS_TIME_ZONE,
    onTick: async () => {
      try {
        await tick();
      } catch (error) {
        logger.error({ msg: 'cron tick failed', cron: name, error: (error as Error).message });
      }
    },
  });
  registry.addCronJob(name, job);
  job.start();
}

/** The minute a tick belongs to, as the dedupe key every instance computes alike (e.g. 2025-10-26T05:00Z). */
export function tickKey(now: Date): string {
  return `${now.toISOString().slice(0, 16)}Z`;
}
