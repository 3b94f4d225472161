import { Db } from '../../src/database/db';
import { PaymentLogEntity } from '../../src/database/entities/payment-log.entity';
import { PaymentEntity } from '../../src/database/entities/payment.entity';
import { ExpireService } from '../../src/jobs/expire.service';
import { PaymentTransitionService } from '../../src/payments/payment-transitions.service';
import { RunningApp, TestClock, http, startApp } from '../support/app-harness';
import { TestDatabase } from '../support/databases';

export interface ExpireSuite {
  database: TestDatabase;
  running: RunningApp;
  clock: TestClock;
  db: Db;
  expire: ExpireService;
}

/**
 * The setup both expire suites share: one app per database on a test clock, closed and dropped after
 * the suite; before each test, a day passes and everything due is expired, so each test starts with
 * nothing due. The returned object is filled in by the suite's beforeAll.
 */
export function useExpireSuite(makeDatabase: () => Promise<TestDatabase>): ExpireSuite {
  const suite = {} as ExpireSuite;
  beforeAll(async () => {
    suite.database = await makeDatabase();
    suite.clock = new TestClock(new Date('2025-10-26T03:00:00Z'));
    suite.running = await startApp({ ...suite.database.appEnv }, { clock: suite.clock });
    suite.db = suite.running.app.get(Db);
    suite.expire = suite.running.app.get(ExpireService);
  });
  afterAll(async () => {
    await suite.running?.close();
    await suite.database?.drop();
  });
  beforeEach(async () => {
    suite.clock.advance(24 * 60 * 60_000);
    await suite.expire.expireDue(suite.clock.now());
  });
  return suite;
}

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
