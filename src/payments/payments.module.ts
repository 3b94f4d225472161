import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { ProvidersModule } from '../providers/provider.module';
import { QrisModule } from '../qris/qris.module';
import { PaymentTransitionService } from './payment-transitions.service';
import { PaymentsController } from './payments.controller';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';

@Module({
  imports: [ProvidersModule, QrisModule, IdempotencyModule],
  controllers: [PaymentsController],
  providers: [PaymentsService, PaymentsRepository, PaymentTransitionService],
  exports: [PaymentsService, PaymentsRepository, PaymentTransitionService],
})
export class PaymentsModule {}
