import { PaymentEntity } from '../database/entities/payment.entity';
import { Row, Sql } from '../database/sql';

/** Every column of PaymentEntity, in SELECT order. */
export const PAYMENT_COLUMNS =
  'id, order_id, amount, currency, status, provider, qris_payload, provider_trx_id, provider_ref_no, expires_at, paid_at, ' +
  'callback_url, metadata, signature_version, locked_by, locked_until, created_at, updated_at';

/** A payments row (any dialect) as TypeORM would hydrate it. */
export function mapPaymentRow(sql: Sql, row: Row): PaymentEntity {
  const payment = new PaymentEntity();
  payment.id = row.id;
  payment.orderId = row.order_id;
  payment.amount = sql.readMoney(row.amount);
  payment.currency = row.currency;
  payment.status = row.status;
  payment.provider = row.provider;
  payment.qrisPayload = row.qris_payload ?? null;
  payment.providerTrxId = row.provider_trx_id ?? null;
  payment.providerRefNo = row.provider_ref_no ?? null;
  payment.expiresAt = sql.readDate(row.expires_at)!;
  payment.paidAt = sql.readDate(row.paid_at);
  payment.callbackUrl = row.callback_url ?? null;
  payment.metadata = sql.readJson(row.metadata);
  payment.signatureVersion = Number(row.signature_version);
  payment.lockedBy = row.locked_by ?? null;
  payment.lockedUntil = sql.readDate(row.locked_until);
  payment.createdAt = sql.readDate(row.created_at)!;
  payment.updatedAt = sql.readDate(row.updated_at)!;
  return payment;
}
