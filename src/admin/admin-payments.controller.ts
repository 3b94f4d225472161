import { applyDecorators, Controller, Get, Header, Param, ParseUUIDPipe, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { AppError } from '../common/errors/app-error';
import { Clock } from '../common/time/clock';
import { jakartaDate } from '../common/time/jakarta-time';
import { PAYMENT_STATUSES } from '../payments/payment-state';
import { AdminApiKeyGuard } from './admin-api-key.guard';
import { ADMIN_PAYMENT_CSV_HEADER, presentAdminPayment, presentPaymentLog } from './admin-payment.presenter';
import { AdminPaymentFilter, encodeCursor, parseCsvQuery, parseListQuery } from './admin-payments.query';
import { AdminPaymentsService } from './admin-payments.service';
import { csvRow } from './csv';

const paymentIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => AppError.badRequest('INVALID_PAYMENT_ID', 'The payment id must be a UUID.'),
});

const ApiPaymentFilters = () =>
  applyDecorators(
    ApiQuery({ name: 'status', required: false, enum: PAYMENT_STATUSES }),
    ApiQuery({ name: 'from', required: false, description: 'ISO 8601 date or date-time (+07:00 when no offset), inclusive' }),
    ApiQuery({ name: 'to', required: false, description: 'ISO 8601 date (whole day) or date-time, inclusive' }),
    ApiQuery({ name: 'q', required: false, description: 'order_id or provider_trx_id, exact match' }),
    ApiResponse({ status: 400, description: 'Bad status, date, cursor or limit' }),
  );

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminApiKeyGuard)
@Controller('admin')
export class AdminPaymentsController {
  constructor(
    private readonly payments: AdminPaymentsService,
    private readonly clock: Clock,
  ) {}

  @Get('payments')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Payments newest first, keyset paginated (follow next_cursor)' })
  @ApiPaymentFilters()
  @ApiQuery({ name: 'cursor', required: false, description: 'next_cursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1-200, default 50' })
  async list(@Query() raw: Record<string, unknown>) {
    const { filter, limit, cursor } = parseListQuery(raw);
    const { rows, next } = await this.payments.page(filter, limit, cursor);
    return { data: rows.map(presentAdminPayment), next_cursor: next ? encodeCursor(next) : null };
  }

  @Get('payments.csv')
  @ApiOperation({ summary: 'Every matching payment as CSV, streamed from the database in batches' })
  @ApiProduces('text/csv')
  @ApiPaymentFilters()
  exportCsv(@Query() raw: Record<string, unknown>, @Res() reply: FastifyReply): void {
    const filter = parseCsvQuery(raw);
    void reply
      .header('Cache-Control', 'no-store')
      .header('Content-Disposition', `attachment; filename="payments-${jakartaDate(this.clock.now())}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(Readable.from(this.csvLines(filter)));
  }

  @Get('payments/:id/logs')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "A payment's log timeline, oldest first" })
  @ApiResponse({ status: 404, description: 'Unknown payment' })
  async logs(@Param('id', paymentIdPipe) id: string) {
    return { payment_id: id, data: (await this.payments.logs(id)).map(presentPaymentLog) };
  }

  /** One chunk per database batch; Readable.from only pulls the next batch when the socket drains. */
  private async *csvLines(filter: AdminPaymentFilter): AsyncGenerator<string> {
    yield csvRow(ADMIN_PAYMENT_CSV_HEADER);
    for await (const rows of this.payments.all(filter)) {
      yield rows.map((row) => csvRow(Object.values(presentAdminPayment(row)))).join('');
    }
  }
}
