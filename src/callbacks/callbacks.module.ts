import { Module } from '@nestjs/common';
import { AdminApiKeyGuard } from '../admin/admin-api-key.guard';
import { PaymentsModule } from '../payments/payments.module';
import { CallbackDeliveryService } from './callback-delivery.service';
import { CallbackOutboxService } from './callback-outbox.service';
import { CallbackResendService } from './callback-resend.service';
import { CallbacksAdminController } from './callbacks-admin.controller';
import { CallbacksWorker } from './callbacks.worker';

/** Merchant callbacks: the outbox rows, their delivery from the queue, and the admin resend. */
@Module({
  imports: [PaymentsModule],
  controllers: [CallbacksAdminController],
  providers: [CallbackOutboxService, CallbackDeliveryService, CallbackResendService, CallbacksWorker, AdminApiKeyGuard],
  exports: [CallbackOutboxService, CallbackDeliveryService],
})
export class CallbacksModule {}
