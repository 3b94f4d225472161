import { Module } from '@nestjs/common';
import { AdminApiKeyGuard } from './admin-api-key.guard';
import { AdminPaymentsController } from './admin-payments.controller';
import { AdminPaymentsService } from './admin-payments.service';

@Module({
  controllers: [AdminPaymentsController],
  providers: [AdminPaymentsService, AdminApiKeyGuard],
  exports: [AdminApiKeyGuard],
})
export class AdminModule {}
