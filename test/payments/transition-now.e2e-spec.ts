import { uuidv7 } from '../../src/common/ids/uuid-v7';
import { PaymentEntity } from '../../src/database/entities/payment.entity';
import { PaymentTransitionService, TransitionRequest } from '../../src/payments/payment-transitions.service';
import { PaymentsRepository } from '../../src/payments/payments.repository';
import { RunningApp, startApp } from '../support/app-harness';
import { TestDatabase, testDatabases } from '../support/databases';

/**
 * PaymentTransitionService.transitionNow, the create's CREATED -> PENDING with the provider-call lock: of
 * several at once (one group commit on SQLite and MySQL) only the holder of the lock changes the payment and
 * writes its log row, once.
 */
describe.each(testDatabases())('transitionNow (%s)', (_name, makeDatabase) => {
  let database: TestDatabase;
  let running: RunningApp;
  let payments: PaymentsRepository;
  let transitions: PaymentTransitionService;

  beforeAll(async () => {
    database = await makeDatabase();
    running = await startApp(database.appEnv);
    payments = running.app.get(PaymentsRepository);
    transitions = running.app.get(PaymentTransitionService);
  });
  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  async function createdPayment(lockedBy: string): Promise<PaymentEntity> {
    const now = new Date();
    const payment = Object.assign(new PaymentEntity(), {
      id: uuidv7(), orderId: `ORDER-${uuidv7()}`, amount: 150000, currency: 'IDR', status: 'CREATED', provider: 'mock',
      qrisPayload: null, providerTrxId: null, providerRefNo: null, expiresAt: new Date(now.getTime() + 900_000), paidAt: null,
      callbackUrl: null, metadata: null, signatureVersion: 1, lockedBy, lockedUntil: new Date(now.getTime() + 30_000), createdAt: now, updatedAt: now,
    } satisfies PaymentEntity);
    await payments.insertWithLog(payment, 'CREATED', { amount: payment.amount });
    return payment;
  }

  const issue = (payment: PaymentEntity, lockedBy: string): TransitionRequest => ({
    paymentId: payment.id,
    from: ['CREATED'],
    to: 'PENDING',
    lockedBy,
    patch: { qrisPayload: 'QR', providerTrxId: `TRX-${payment.id}`, lockedBy: null, lockedUntil: null },
    event: 'QR_ISSUED',
    payload: { lockedBy },
    now: new Date(),
  });

  async function events(paymentId: string): Promise<string[]> {
    return (await payments.logsOf(paymentId)).map((log) => log.event);
  }

  it('writes the change and its log row for the one that wins; the others write nothing', async () => {
    const payment = await createdPayment('L1');
    // Three at once (one group commit on SQLite and MySQL), one with another request's lock.
    const results = await Promise.all([transitions.transitionNow(issue(payment, 'L2')), transitions.transitionNow(issue(payment, 'L1')), transitions.transitionNow(issue(payment, 'L1'))]);
    expect(results).toEqual([false, true, false]);
    expect(await events(payment.id)).toEqual(['CREATED', 'QR_ISSUED']);
    const stored = await payments.findById(payment.id);
    expect([stored?.status, stored?.lockedBy, stored?.providerTrxId]).toEqual(['PENDING', null, `TRX-${payment.id}`]);

    expect(await transitions.transitionNow(issue(payment, 'L1'))).toBe(false);
    expect(await events(payment.id)).toEqual(['CREATED', 'QR_ISSUED']);
  });

  it('keeps the log rows of winners and losers apart when several payments change in one turn', async () => {
    const a = await createdPayment('A');
    const b = await createdPayment('B');
    const results = await Promise.all([
      transitions.transitionNow(issue(a, 'wrong')),
      transitions.transitionNow(issue(b, 'B')),
      transitions.transitionNow(issue(a, 'A')),
      transitions.transitionNow(issue(b, 'wrong')),
    ]);
    expect(results).toEqual([false, true, true, false]);
    expect(await events(a.id)).toEqual(['CREATED', 'QR_ISSUED']);
    expect(await events(b.id)).toEqual(['CREATED', 'QR_ISSUED']);
    const aLog = (await payments.logsOf(a.id))[1];
    expect(aLog.payload).toEqual({ lockedBy: 'A' });
  });
});
