import { EntityManager } from 'typeorm';
import { uuidv7 } from '../common/ids/uuid-v7';
import { toJakartaIso } from '../common/time/jakarta-time';
import { CallbackDeliveryEntity } from '../database/entities/callback-delivery.entity';
import { PaymentEntity } from '../database/entities/payment.entity';
import { CALLBACK_STATUSES } from '../payments/payment-state';

/** The JSON a merchant receives; field order is part of the signed bytes, so it is fixed here. */
export function callbackBody(payment: PaymentEntity): string {
  return JSON.stringify({
    payment_id: payment.id,
    order_id: payment.orderId,
    status: payment.status,
    amount: payment.amount,
    paid_at: toJakartaIso(payment.paidAt),
  });
}

/**
 * Writes the outbox row for a merchant callback inside the caller's transaction, so the state change and
 * the promise to tell the merchant commit together. Returns the delivery id, or null when the payment
 * has no callback_url or its status is not one merchants are told about.
 */
export async function recordCallbackIntent(em: EntityManager, paymentId: string, now: Date): Promise<string | null> {
  const payment = await em.findOne(PaymentEntity, { where: { id: paymentId } });
  if (!payment?.callbackUrl || !CALLBACK_STATUSES.includes(payment.status)) return null;
  const id = uuidv7();
  await em.insert(CallbackDeliveryEntity, {
    id,
    paymentId,
    status: 'PENDING',
    paymentStatus: payment.status,
    body: callbackBody(payment),
    attempts: 0,
    nextAttemptAt: now,
    lastStatusCode: null,
    lastError: null,
    lastDurationMs: null,
    deliveredAt: null,
    createdAt: now,
    updatedAt: now,
  });
  return id;
}
