import { Db } from '../../src/database/db';
import { PaymentLogEntity } from '../../src/database/entities/payment-log.entity';
import { PaymentEntity } from '../../src/database/entities/payment.entity';
import { PaymentTransitionService } from '../../src/payments/payment-transitions.service';
import { RunningApp, http } from '../support/app-harness';

let seq = 0;

/** A PENDING payment created through the real API. */
export async function createPayment(
  running: RunningApp,
  body: { amount?: number; expiry_minutes?: number; callback_url?: string; order_prefix?: string } = {},
): Promise<PaymentEntity> {
  const { order_prefix: prefix = 'JOB', ...rest } = body;
  const orderId = `${prefix}-${Date.now().toString(36)}-${++seq}`;
  const res = await http(running.baseUrl, 'POST', '/payments', { order_id: orderId, amount: 10_000, ...rest });
  if (res.status !== 201) throw new Error(`seeding a payment failed: ${res.status} ${JSON.stringify(res.body)}`);
  return running.app.get(Db).manager.findOneByOrFail(PaymentEntity, { id: res.body.payment_id });
}

export async function eventsOf(db: Db, paymentId: string): Promise<string[]> {
  const logs = await db.manager.find(PaymentLogEntity, { where: { paymentId }, order: { createdAt: 'ASC', id: 'ASC' } });
  return logs.map((l) => l.event);
}

export const statusOf = async (db: Db, id: string) => (await db.manager.findOneByOrFail(PaymentEntity, { id })).status;

/** PAID the way the webhook does it: from PENDING, or from EXPIRED as a late payment. */
export function markPaid(running: RunningApp, paymentId: string, paidAt: Date): Promise<boolean> {
  const db = running.app.get(Db);
  return db.transaction((em) =>
    running.app.get(PaymentTransitionService).transition(em, {
      paymentId,
      from: ['PENDING', 'EXPIRED'],
      to: 'PAID',
      patch: { paidAt, providerRefNo: 'REF-1' },
      event: 'WEBHOOK_SUCCESS',
      payload: { test: true },
      now: paidAt,
    }),
  );
}
