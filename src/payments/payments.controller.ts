import { Body, Controller, Get, Header, Headers, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error';
import { PROBLEM_CONTENT_TYPE } from '../common/errors/problem';
import { Clock } from '../common/time/clock';
import { requestFingerprint } from '../idempotency/fingerprint';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { QrImageService } from '../qris/qr-image.service';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { presentCreatedPayment, presentPayment } from './payment.presenter';
import { PaymentsService } from './payments.service';
import { MerchantAuth } from '../security/merchant-auth.decorator';
import { PaymentEntity } from '../database/entities/payment.entity';

const paymentIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => AppError.badRequest('INVALID_PAYMENT_ID', 'The payment id must be a UUID.'),
});

/** Which merchant credential the request came with; idempotency keys are scoped to it. */
function callerScope(request: FastifyRequest): string {
  return (request as FastifyRequest & { merchantScope?: string }).merchantScope ?? 'public';
}

@ApiTags('payments')
@MerchantAuth()
@Controller('payments')
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly idempotency: IdempotencyService,
    private readonly qrImages: QrImageService,
    private readonly clock: Clock,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a dynamic QRIS payment for an order' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '1-255 characters; replays the first response for 24 h' })
  @ApiResponse({ status: 201, description: 'QR issued' })
  @ApiResponse({ status: 200, description: 'The order already has a payable QR with the same amount' })
  @ApiResponse({ status: 409, description: 'Order paid/expired/failed, other amount, or the same key still in flight' })
  @ApiResponse({ status: 422, description: 'Idempotency-Key reused with another body' })
  @ApiResponse({ status: 502, description: 'Provider unavailable; the payment is kept as CREATED' })
  async create(
    @Body() dto: CreatePaymentDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const work = async () => {
      const result = await this.payments.create(dto);
      return { status: result.httpStatus, body: presentCreatedPayment(result.payment) };
    };

    if (idempotencyKey === undefined) {
      const { status, body } = await work();
      reply.status(status);
      return body;
    }
    if (idempotencyKey.length < 1 || idempotencyKey.length > 255 || !/^[\x21-\x7e]+$/.test(idempotencyKey)) {
      throw AppError.badRequest('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-255 visible ASCII characters.');
    }
    const fingerprint = requestFingerprint('POST', '/payments', request.body);
    const outcome = await this.idempotency.run(callerScope(request), idempotencyKey, fingerprint, work);
    reply.status(outcome.status);
    if (outcome.replayed) reply.header('Idempotent-Replayed', 'true');
    if (outcome.status >= 400) reply.type(PROBLEM_CONTENT_TYPE);
    return outcome.body;
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Read a payment' })
  @ApiResponse({ status: 404, description: 'Unknown payment' })
  @ApiResponse({ status: 400, description: 'Not a UUID' })
  async get(@Param('id', paymentIdPipe) id: string) {
    return presentPayment(await this.payments.findById(id));
  }

  @Get(':id/qr.png')
  @ApiOperation({ summary: 'The QR image (PNG) of a payable payment' })
  @ApiResponse({ status: 410, description: 'No longer payable' })
  async qrPng(@Param('id', paymentIdPipe) id: string, @Res() reply: FastifyReply) {
    const payload = this.payableQr(await this.payments.findById(id));
    void reply.header('Cache-Control', 'no-store').type('image/png').send(await this.qrImages.toPng(payload));
  }

  @Get(':id/qr.svg')
  @ApiOperation({ summary: 'The QR image (SVG) of a payable payment' })
  @ApiResponse({ status: 410, description: 'No longer payable' })
  async qrSvg(@Param('id', paymentIdPipe) id: string, @Res() reply: FastifyReply) {
    const payload = this.payableQr(await this.payments.findById(id));
    void reply.header('Cache-Control', 'no-store').type('image/svg+xml').send(await this.qrImages.toSvg(payload));
  }

  private payableQr(payment: PaymentEntity): string {
    if (payment.status === 'CREATED' || !payment.qrisPayload) {
      throw AppError.conflict('QR_NOT_ISSUED', 'The provider has not issued a QR for this payment yet.');
    }
    if (payment.status !== 'PENDING' || payment.expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new AppError(410, 'PAYMENT_NOT_PAYABLE', `The payment is ${payment.status === 'PENDING' ? 'EXPIRED' : payment.status}; its QR can no longer be paid.`);
    }
    return payment.qrisPayload;
  }
}
