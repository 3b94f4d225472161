import { DynamicModule, Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { AppConfigModule } from '../config/app-config.module';
import { Env } from '../config/env';
import { DatabaseModule } from '../database/database.module';
import { JobsModule } from '../jobs/jobs.module';
import { ReconciliationModule } from '../reconciliation/reconciliation.module';

/** The job services alone: no HTTP, no cron, no queue workers. */
@Module({})
export class CliModule {
  static register(env: Env): DynamicModule {
    return {
      module: CliModule,
      imports: [AppConfigModule.forRoot(env), CommonModule.forRoot(), DatabaseModule, JobsModule, ReconciliationModule],
    };
  }
}
