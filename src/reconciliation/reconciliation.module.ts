import { DynamicModule, Module } from '@nestjs/common';
import { AdminApiKeyGuard } from '../admin/admin-api-key.guard';
import { PaymentsModule } from '../payments/payments.module';
import { ProvidersModule } from '../providers/provider.module';
import { ReconciliationController } from './reconciliation.controller';
import { ReconciliationRunsRepository } from './reconciliation-runs.repository';
import { ReconciliationService } from './reconciliation.service';
import { ReconciliationWorker } from './reconciliation.worker';
import { SettlementStore } from './settlement-store';

/** Daily reconciliation. Imported bare by the CLI (services only); forService adds the admin API, the cron and the queue handler. */
@Module({
  imports: [PaymentsModule, ProvidersModule],
  providers: [ReconciliationService, ReconciliationRunsRepository, SettlementStore],
  exports: [ReconciliationService],
})
export class ReconciliationModule {
  static forService(): DynamicModule {
    return {
      module: ReconciliationModule,
      controllers: [ReconciliationController],
      providers: [ReconciliationWorker, AdminApiKeyGuard],
    };
  }
}
