import { Module } from '@nestjs/common';
import { CallbacksModule } from '../callbacks/callbacks.module';
import { PaymentsModule } from '../payments/payments.module';
import { ProvidersModule } from '../providers/provider.module';
import { WebhookEventsOutboxService } from './webhook-events-outbox.service';
import { WebhookIntakeService } from './webhook-intake.service';
import { WebhookJobs } from './webhook-jobs';
import { WebhookProcessorService } from './webhook-processor.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksWorker } from './webhooks.worker';

/** Provider notifications: verified intake, durable storage, idempotent processing from the queue. */
@Module({
  imports: [ProvidersModule, PaymentsModule, CallbacksModule],
  controllers: [WebhooksController],
  providers: [WebhookIntakeService, WebhookJobs, WebhookProcessorService, WebhookEventsOutboxService, WebhooksWorker],
  exports: [WebhookProcessorService, WebhookEventsOutboxService],
})
export class WebhooksModule {}
