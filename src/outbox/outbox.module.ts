import { Module } from '@nestjs/common';
import { CallbacksModule } from '../callbacks/callbacks.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { OutboxDispatcher } from './outbox-dispatcher.service';

@Module({
  imports: [WebhooksModule, CallbacksModule],
  providers: [OutboxDispatcher],
  exports: [OutboxDispatcher],
})
export class OutboxModule {}
