import { Module } from '@nestjs/common';
import { AdminApiKeyGuard } from './admin-api-key.guard';
import { AdminPageController } from './admin-page.controller';
import { AdminPaymentsController } from './admin-payments.controller';
import { AdminPaymentsService } from './admin-payments.service';

@Module({
  controllers: [AdminPaymentsController, AdminPageController],
  providers: [AdminPaymentsService, AdminApiKeyGuard],
  exports: [AdminApiKeyGuard],
})
export class AdminModule {}
