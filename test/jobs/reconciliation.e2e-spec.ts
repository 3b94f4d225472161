import { Db } from '../../src/database/db';
import { PaymentLogEntity } from '../../src/database/entities/payment-log.entity';
import { PaymentEntity } from '../../src/database/entities/payment.entity';
import { ReconciliationRunEntity } from '../../src/database/entities/reconciliation-run.entity';
import { SettlementEntity } from '../../src/database/entities/settlement.entity';
import { mockUnknownTrxId } from '../../src/providers/mock/mock.settlement';
import { ReconciliationService } from '../../src/reconciliation/reconciliation.service';
import { RunningApp, TestClock, startApp } from '../support/app-harness';
import { TestDatabase, testDatabases } from '../support/databases';
import { createPayment, eventsOf, markPaid, statusOf } from './seed';

const DAY = '2025-10-26';
const HOUR = 3_600_000;

describe.each(testDatabases())('reconciliation on %s', (_name, makeDatabase) => {
  let database: TestDatabase;
  let running: RunningApp;
  let clock: TestClock;
  let db: Db;
  let service: ReconciliationService;
  const seeded: Record<string, PaymentEntity> = {};

  beforeAll(async () => {
    database = await makeDatabase();
    // 09:00 in Jakarta on DAY.
    clock = new TestClock(new Date('2025-10-26T02:00:00Z'));
    running = await startApp(
      { ...database.appEnv, ADMIN_API_KEY: 'test-admin-key-0123456789', MOCK_SETTLEMENT_DISCREPANCIES: 'drop_one,alter_amount,add_unknown,include_pending' },
      { clock },
    );
    db = running.app.get(Db);
    service = running.app.get(ReconciliationService);

    // Faults pick targets by order_id: A is dropped, B's amount altered, unpaid E (MOCK_SETTLED) settled anyway.
    const paidOrders: Array<[string, number]> = [['A', 100_000], ['B', 200_000], ['C', 150_000], ['D', 600_000]];
    for (const [prefix, amount] of paidOrders) {
      seeded[prefix] = await createPayment(running, { order_prefix: prefix, amount, expiry_minutes: 60 });
      await markPaid(running, seeded[prefix].id, clock.now());
      clock.advance(60_000);
    }
    seeded.E = await createPayment(running, { order_prefix: 'E-MOCK_SETTLED', amount: 30_000, expiry_minutes: 60 });
    seeded.F = await createPayment(running, { order_prefix: 'F', amount: 40_000, expiry_minutes: 60 });
    // Paid on the next Jakarta day: not part of DAY.
    clock.set(new Date('2025-10-26T17:30:00Z'));
    seeded.G = await createPayment(running, { order_prefix: 'G', amount: 50_000 });
    await markPaid(running, seeded.G.id, clock.now());
    clock.set(new Date('2025-10-26T18:00:00Z')); // 01:00 Jakarta the next day, when the cron would run
  });

  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  const run = async () => {
    const r = await service.runNow(DAY, 'cli', () => clock.now());
    expect(r.status).toBe('DONE');
    return r.report!;
  };

  it('reconciles a seeded day into every report category', async () => {
    const report = await run();
    const trx = (k: string) => seeded[k].providerTrxId;
    expect(report).toMatchObject({
      provider: 'mock',
      date: DAY,
      settlement_rows: 5,
      counts: { matched: 2, missing_at_provider: 1, missing_in_our_system: 1, status_mismatch: 1, amount_mismatch: 1 },
      // B 201,000 (fee 0), C 150,000 (0), D 600,000 (UMI 0.3 % above Rp 500,000 = 1,800), E 30,000 (0), unknown 10,000 (0).
      totals: { amount: 201_000 + 150_000 + 600_000 + 30_000 + 10_000, fee: 1_800, net: 991_000 - 1_800 },
    });
    expect(report.missing_at_provider).toEqual([
      { payment_id: seeded.A.id, order_id: seeded.A.orderId, provider_trx_id: trx('A'), amount: 100_000, paid_at: '2025-10-26T09:00:00+07:00' },
    ]);
    expect(report.amount_mismatch).toEqual([
      { payment_id: seeded.B.id, order_id: seeded.B.orderId, provider_trx_id: trx('B'), our_amount: 200_000, settled_amount: 201_000, our_status: 'PAID' },
    ]);
    expect(report.missing_in_our_system).toEqual([{ provider_trx_id: mockUnknownTrxId(DAY), amount: 10_000, fee: 0, net_amount: 10_000 }]);
    expect(report.status_mismatch).toEqual([
      { payment_id: seeded.E.id, order_id: seeded.E.orderId, provider_trx_id: trx('E'), amount: 30_000, our_status: 'PENDING', fixed_to: 'PAID' },
    ]);

    // E was fixed to PAID, with the time the provider says it was paid; F is untouched.
    const e = await db.manager.findOneByOrFail(PaymentEntity, { id: seeded.E.id });
    expect(e.status).toBe('PAID');
    expect(e.paidAt).toEqual(seeded.E.createdAt);
    expect(await eventsOf(db, seeded.E.id)).toEqual(['CREATED', 'QR_ISSUED', 'RECONCILE_FIX', 'RECONCILE']);
    expect(await statusOf(db, seeded.F.id)).toBe('PENDING');
    expect(await eventsOf(db, seeded.C.id)).toEqual(['CREATED', 'QR_ISSUED', 'WEBHOOK_SUCCESS', 'RECONCILE']);
    expect(await eventsOf(db, seeded.B.id)).toEqual(['CREATED', 'QR_ISSUED', 'WEBHOOK_SUCCESS']);
    expect(await eventsOf(db, seeded.A.id)).toEqual(['CREATED', 'QR_ISSUED', 'WEBHOOK_SUCCESS']);

    const settlements = await db.manager.find(SettlementEntity, { where: { settlementDate: DAY } });
    expect(settlements).toHaveLength(5);
    const byTrx = new Map(settlements.map((s) => [s.providerTrxId, s]));
    expect(byTrx.get(trx('D')!)).toMatchObject({ paymentId: seeded.D.id, amount: 600_000, fee: 1_800, netAmount: 598_200, reconciled: true, provider: 'mock' });
    expect(byTrx.get(trx('E')!)).toMatchObject({ paymentId: seeded.E.id, reconciled: true });
    expect(byTrx.get(trx('B')!)).toMatchObject({ paymentId: seeded.B.id, amount: 201_000, reconciled: false });
    expect(byTrx.get(mockUnknownTrxId(DAY))).toMatchObject({ paymentId: null, reconciled: false });
  });

  it('rerunning the day gives the same report and adds no settlement or log rows', async () => {
    const countRows = async () => ({
      settlements: await db.manager.count(SettlementEntity),
      logs: await db.manager.count(PaymentLogEntity),
    });
    const before = await countRows();
    const first = (await service.latestFor(DAY))!.report;
    const again = await run();
    const [third, fourth] = await Promise.all([run(), run()]);
    expect(again).toEqual(first);
    expect(third).toEqual(first);
    expect(fourth).toEqual(first);
    expect(await countRows()).toEqual(before);
    // Each run is kept (history); the latest is what GET shows.
    expect(await db.manager.count(ReconciliationRunEntity, { where: { settlementDate: DAY } })).toBe(4);
  });

  it('records a failed run when the provider feed fails', async () => {
    const provider = (service as any).provider;
    const original = provider.fetchSettlement;
    provider.fetchSettlement = async () => {
      throw new Error('settlement feed down');
    };
    try {
      await expect(service.runNow('2025-10-20', 'cli', () => clock.now())).rejects.toThrow('settlement feed down');
    } finally {
      provider.fetchSettlement = original;
    }
    expect(await service.latestFor('2025-10-20')).toMatchObject({ status: 'FAILED', errorMessage: 'settlement feed down', report: null });
  });

  it('a day with no payments reconciles to an empty report', async () => {
    clock.advance(HOUR);
    const r = await service.runNow('2025-10-01', 'cli', () => clock.now());
    expect(r.report).toMatchObject({
      settlement_rows: 1, // the injected unknown trx
      counts: { matched: 0, missing_at_provider: 0, missing_in_our_system: 1, status_mismatch: 0, amount_mismatch: 0 },
    });
  });
});
