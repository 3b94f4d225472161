import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AdminModule } from './admin/admin.module';
import { CommonModule } from './common/common.module';
import { Clock } from './common/time/clock';
import { AppConfigModule } from './config/app-config.module';
import { Env } from './config/env';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { OutboxModule } from './outbox/outbox.module';
import { PaymentsModule } from './payments/payments.module';
import { QueueModule } from './queue/queue.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { SecurityModule } from './security/security.module';

export interface AppOptions {
  /** Tests move time with their own clock instead of sleeping. */
  clock?: Clock;
}

@Module({})
export class AppModule {
  static register(env: Env, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        CommonModule.forRoot(options.clock),
        LoggingModule,
        SecurityModule,
        MetricsModule,
        DatabaseModule,
        QueueModule,
        HealthModule,
        PaymentsModule,
        AdminModule,
        ScheduleModule.forRoot(),
        OutboxModule,
        JobsModule.forService(),
        ReconciliationModule.forService(),
      ],
    };
  }
}
