import { toJakartaIso } from '../common/time/jakarta-time';
import { PaymentLogEntity } from '../database/entities/payment-log.entity';
import { PaymentEntity } from '../database/entities/payment.entity';

/** The columns an admin listing reads: never the QR payload, callback URL or metadata. */
export const ADMIN_PAYMENT_COLUMNS = [
  'id',
  'orderId',
  'status',
  'amount',
  'currency',
  'provider',
  'providerTrxId',
  'providerRefNo',
  'expiresAt',
  'paidAt',
  'createdAt',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof PaymentEntity>;

export type AdminPaymentRow = Pick<PaymentEntity, (typeof ADMIN_PAYMENT_COLUMNS)[number]>;

export function presentAdminPayment(p: AdminPaymentRow) {
  return {
    payment_id: p.id,
    order_id: p.orderId,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    provider: p.provider,
    provider_trx_id: p.providerTrxId,
    provider_ref_no: p.providerRefNo,
    expires_at: toJakartaIso(p.expiresAt),
    paid_at: toJakartaIso(p.paidAt),
    created_at: toJakartaIso(p.createdAt),
    updated_at: toJakartaIso(p.updatedAt),
  };
}

/** The CSV header row: the JSON item's field names, in the same order. */
export const ADMIN_PAYMENT_CSV_HEADER = Object.keys(presentAdminPayment({} as AdminPaymentRow));

export function presentPaymentLog(log: PaymentLogEntity) {
  return { event: log.event, payload: log.payload, created_at: toJakartaIso(log.createdAt) };
}
