import { EntityManager } from 'typeorm';
import { uuidv7 } from '../common/ids/uuid-v7';
import { toJakartaIso } from '../common/time/jakarta-time';
import { PaymentEntity } from '../database/entities/payment.entity';
import { Sql, SqlUnit } from '../database/sql';
import { CALLBACK_STATUSES } from '../payments/payment-state';
import { PAYMENT_COLUMNS, mapPaymentRow } from '../payments/payment-row';

/** What callbackBody reads from a payment, plus whether it has somewhere to be sent. */
export type CallbackFields = Pick<PaymentEntity, 'id' | 'orderId' | 'status' | 'amount' | 'paidAt' | 'callbackUrl'>;

/** The JSON a merchant receives; field order is part of the signed bytes, so it is fixed here. */
export function callbackBody(payment: CallbackFields): string {
  return JSON.stringify({
    payment_id: payment.id,
    order_id: payment.orderId,
    status: payment.status,
    amount: payment.amount,
    paid_at: toJakartaIso(payment.paidAt),
  });
}

const SELECT_PAYMENT = `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = ?`;
const INSERT_DELIVERY =
  'INSERT INTO callback_deliveries (id, payment_id, status, payment_status, body, attempts, next_attempt_at, last_status_code, ' +
  'last_error, last_duration_ms, delivered_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/**
 * The outbox row for a merchant callback, as statements of the caller's transaction (see database/sql.ts),
 * so the state change and the promise to tell the merchant commit together. Yields the delivery id, or
 * null when the payment has no callback_url or its status is not one merchants are told about. `changed`:
 * the payment as this transaction left it, when the caller knows it; otherwise it is read.
 */
export function* callbackIntentUnit(sql: Sql, paymentId: string, now: Date, changed?: CallbackFields): SqlUnit<string | null> {
  let payment: CallbackFields | undefined = changed;
  if (!payment) {
    const row = yield sql.op(sql.stmt(SELECT_PAYMENT, 'get'), [paymentId]);
    if (!row) return null;
    payment = mapPaymentRow(sql, row);
  }
  if (!payment.callbackUrl || !CALLBACK_STATUSES.includes(payment.status)) return null;
  const id = uuidv7();
  yield sql.op(sql.stmt(INSERT_DELIVERY, 'run'), [
    id,
    paymentId,
    'PENDING',
    payment.status,
    callbackBody(payment),
    0,
    sql.dateParam(now),
    null,
    null,
    null,
    null,
    sql.dateParam(now),
    sql.dateParam(now),
  ]);
  return id;
}

/** recordCallbackIntent's statements inside the caller's TypeORM transaction. */
export function recordCallbackIntent(em: EntityManager, paymentId: string, now: Date): Promise<string | null> {
  const sql = Sql.for(em.connection);
  return sql.within(em, () => callbackIntentUnit(sql, paymentId, now));
}
