import { Db } from '../../src/database/db';
import { PaymentEntity } from '../../src/database/entities/payment.entity';
import { JanitorService } from '../../src/jobs/janitor.service';
import { QRIS_PROVIDER, QrisProvider } from '../../src/providers/qris-provider';
import { RunningApp, TestClock, startApp } from '../support/app-harness';
import { TestDatabase, testDatabases } from '../support/databases';
import { createPayment, eventsOf, statusOf } from './seed';

const MINUTE = 60_000;

describe.each(testDatabases())('janitor on %s', (_name, makeDatabase) => {
  let database: TestDatabase;
  let running: RunningApp;
  let clock: TestClock;
  let db: Db;
  let janitor: JanitorService;
  let provider: QrisProvider;

  beforeAll(async () => {
    database = await makeDatabase();
    clock = new TestClock(new Date('2025-10-26T03:00:00Z'));
    running = await startApp({ ...database.appEnv, JANITOR_AFTER_MINUTES: '10' }, { clock });
    db = running.app.get(Db);
    janitor = running.app.get(JanitorService);
    provider = running.app.get(QRIS_PROVIDER);
  });

  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  afterEach(() => {
    delete provider.queryStatus;
  });

  it('does nothing when the provider has no status API', async () => {
    expect(await janitor.sweep(clock.now())).toEqual({ checked: 0, paid: 0, failed: 0, unsupported: true });
  });

  it('asks about PENDING payments older than JANITOR_AFTER_MINUTES and heals a lost webhook', async () => {
    const lost = await createPayment(running, { amount: 12_000, expiry_minutes: 60 });
    const failed = await createPayment(running, { amount: 13_000, expiry_minutes: 60 });
    const stillPending = await createPayment(running, { expiry_minutes: 60 });
    const wrongAmount = await createPayment(running, { amount: 14_000, expiry_minutes: 60 });
    clock.advance(9 * MINUTE);
    const young = await createPayment(running, { expiry_minutes: 60 });
    clock.advance(2 * MINUTE);

    const asked: string[] = [];
    const paidAt = new Date(clock.now().getTime() - 5 * MINUTE);
    provider.queryStatus = async (trxId) => {
      asked.push(trxId);
      if (trxId === lost.providerTrxId) return { status: 'PAID', refNo: 'RRN-LOST', paidAt, amount: 12_000 };
      if (trxId === failed.providerTrxId) return { status: 'FAILED', refNo: null, paidAt: null, amount: null };
      if (trxId === wrongAmount.providerTrxId) return { status: 'PAID', refNo: 'RRN-X', paidAt, amount: 99_000 };
      return { status: 'PENDING', refNo: null, paidAt: null, amount: null };
    };

    expect(await janitor.sweep(clock.now(), 2)).toEqual({ checked: 4, paid: 1, failed: 1, unsupported: false });
    expect(asked.sort()).toEqual([lost, failed, stillPending, wrongAmount].map((p) => p.providerTrxId).sort());
    expect(asked).not.toContain(young.providerTrxId);

    expect(await db.manager.findOneByOrFail(PaymentEntity, { id: lost.id })).toMatchObject({ status: 'PAID', providerRefNo: 'RRN-LOST', paidAt });
    expect(await eventsOf(db, lost.id)).toEqual(['CREATED', 'QR_ISSUED', 'STATUS_QUERY_PAID']);
    expect(await statusOf(db, failed.id)).toBe('FAILED');
    expect(await eventsOf(db, failed.id)).toEqual(['CREATED', 'QR_ISSUED', 'STATUS_QUERY_FAILED']);
    expect(await statusOf(db, stillPending.id)).toBe('PENDING');
    // A different amount is never applied: a human looks at it (reconciliation reports it).
    expect(await statusOf(db, wrongAmount.id)).toBe('PENDING');

    // A second sweep changes nothing more.
    expect(await janitor.sweep(clock.now())).toMatchObject({ checked: 2, paid: 0, failed: 0 });
  });
});
