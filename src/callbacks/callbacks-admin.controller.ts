import { Controller, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminApiKeyGuard } from '../admin/admin-api-key.guard';
import { AppError } from '../common/errors/app-error';
import { CallbackResendService } from './callback-resend.service';

const paymentIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => AppError.badRequest('INVALID_PAYMENT_ID', 'The payment id must be a UUID.'),
});

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminApiKeyGuard)
@Controller('admin/payments')
export class CallbacksAdminController {
  constructor(private readonly resends: CallbackResendService) {}

  @Post(':id/callback')
  @HttpCode(202)
  @ApiOperation({ summary: "Send the merchant callback again, reporting the payment's current status" })
  @ApiResponse({ status: 202, description: 'A new delivery was queued' })
  @ApiResponse({ status: 404, description: 'Unknown payment' })
  @ApiResponse({ status: 409, description: 'No callback_url, or the status is not one callbacks report' })
  async resend(@Param('id', paymentIdPipe) id: string) {
    const deliveryId = await this.resends.resend(id);
    return { delivery_id: deliveryId, status: 'PENDING' };
  }
}
