import { DynamicModule, Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { ProvidersModule } from '../providers/provider.module';
import { ExpireService } from './expire.service';
import { JanitorService } from './janitor.service';
import { JobsScheduler } from './jobs.scheduler';
import { JobsWorker } from './jobs.worker';

/** Expire and janitor jobs. Imported bare by the CLI (services only); forService adds the crons and queue handlers. */
@Module({
  imports: [PaymentsModule, ProvidersModule],
  providers: [ExpireService, JanitorService],
  exports: [ExpireService, JanitorService],
})
export class JobsModule {
  static forService(): DynamicModule {
    return { module: JobsModule, providers: [JobsScheduler, JobsWorker] };
  }
}
