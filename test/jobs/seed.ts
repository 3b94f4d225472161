import { Db } from '../../src/database/db';
import { PaymentLogEntity } from '../../src/database/entities/payment-log.entity';
import { PaymentEntity } from '../../src/database/entities/payment.entity';
import { RunningApp, http } from '../support/app-harness';

let seq = 0;

/** A PENDING payment created through the real API. */
export async function createPayment(
  running: RunningApp,
  body: { amount?: number; expiry_minutes?: number; callback_url?: string } = {},
): Promise<PaymentEntity> {
  const orderId = `JOB-${Date.now().toString(36)}-${++seq}`;
  const res = await http(running.baseUrl, 'POST', '/payments', { order_id: orderId, amount: body.amount ?? 10_000, ...body });
  if (res.status !== 201) throw new Error(`seeding a payment failed: ${res.status} ${JSON.stringify(res.body)}`);
  return running.app.get(Db).manager.findOneByOrFail(PaymentEntity, { id: res.body.payment_id });
}

export async function eventsOf(db: Db, paymentId: string): Promise<string[]> {
  const logs = await db.manager.find(PaymentLogEntity, { where: { paymentId }, order: { createdAt: 'ASC', id: 'ASC' } });
  return logs.map((l) => l.event);
}

export const statusOf = async (db: Db, id: string) => (await db.manager.findOneByOrFail(PaymentEntity, { id })).status;
