import { toJakartaIso } from '../common/time/jakarta-time';
import { PaymentEntity } from '../database/entities/payment.entity';

/** The body of POST /payments (201, or 200 for an existing pending order). */
export function presentCreatedPayment(p: PaymentEntity) {
  return {
    payment_id: p.id,
    order_id: p.orderId,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    qr_string: p.qrisPayload,
    expires_at: toJakartaIso(p.expiresAt),
    provider_trx_id: p.providerTrxId,
  };
}

/** The body of GET /payments/:id. The QR is only shown while it can still be paid. */
export function presentPayment(p: PaymentEntity) {
  return {
    payment_id: p.id,
    order_id: p.orderId,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    qr_string: p.status === 'PENDING' ? p.qrisPayload : null,
    provider_trx_id: p.providerTrxId,
    provider_ref_no: p.providerRefNo,
    expires_at: toJakartaIso(p.expiresAt),
    paid_at: toJakartaIso(p.paidAt),
    created_at: toJakartaIso(p.createdAt),
    updated_at: toJakartaIso(p.updatedAt),
    metadata: p.metadata,
  };
}
