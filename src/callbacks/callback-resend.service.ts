import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { Clock } from '../common/time/clock';
import { Db } from '../database/db';
import { CALLBACK_STATUSES } from '../payments/payment-state';
import { PaymentsRepository } from '../payments/payments.repository';
import { CallbackOutboxService } from './callback-outbox.service';
import { recordCallbackIntent } from './callback-intent';

/** Ops' "send the callback again": a fresh delivery reporting the payment's current status. */
@Injectable()
export class CallbackResendService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly payments: PaymentsRepository,
    private readonly outbox: CallbackOutboxService,
  ) {}

  async resend(paymentId: string): Promise<string> {
    const now = this.clock.now();
    const deliveryId = await this.db.transaction(async (em) => {
      const payment = await this.payments.findById(paymentId, em);
      if (!payment) throw AppError.notFound('PAYMENT_NOT_FOUND', `No payment with id ${paymentId}.`);
      if (!payment.callbackUrl) throw AppError.conflict('NO_CALLBACK_URL', 'The payment has no callback_url.');
      if (!CALLBACK_STATUSES.includes(payment.status)) {
        throw AppError.conflict('NOT_IN_CALLBACK_STATUS', `The payment is ${payment.status}; callbacks report ${CALLBACK_STATUSES.join(', ')} only.`);
      }
      const id = await recordCallbackIntent(em, paymentId, now);
      await this.payments.insertLog(em, paymentId, 'CALLBACK_RESEND', { delivery_id: id, status: payment.status }, now);
      return id!;
    });
    await this.outbox.enqueue(deliveryId, 1).catch(() => undefined); // the dispatcher picks it up otherwise
    return deliveryId;
  }
}
