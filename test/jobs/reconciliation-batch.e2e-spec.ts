import { randomUUID } from 'node:crypto';
import { In, Like } from 'typeorm';
import { BatchSql } from '../../src/database/batch-sql';
import { Db } from '../../src/database/db';
import { PaymentLogEntity } from '../../src/database/entities/payment-log.entity';
import { PaymentEntity } from '../../src/database/entities/payment.entity';
import { SettlementEntity } from '../../src/database/entities/settlement.entity';
import { ReconciliationReport } from '../../src/reconciliation/reconciliation-report';
import { ReconciliationService } from '../../src/reconciliation/reconciliation.service';
import { RunningApp, TestClock, startApp } from '../support/app-harness';
import { TestDatabase, testDatabases } from '../support/databases';

const DAY = '2025-10-26';
const PAID = 1_234; // more than two chunks of 500
const FIXABLE = 7; // PENDING, but the provider settled them (include_pending)

/** The batched reconciliation at a few thousand rows: several chunks, concurrent first runs, reruns. */
describe.each(testDatabases())('reconciliation in batches on %s', (name, makeDatabase) => {
  let database: TestDatabase;
  let running: RunningApp;
  let clock: TestClock;
  let db: Db;
  const env = () => ({ DB_URL: database.url, MOCK_SETTLEMENT_DISCREPANCIES: 'include_pending,add_unknown' });

  beforeAll(async () => {
    database = await makeDatabase();
    clock = new TestClock(new Date('2025-10-26T18:00:00Z')); // 01:00 in Jakarta the next day
    running = await startApp(env(), { clock });
    db = running.app.get(Db);
    const paidAt = new Date('2025-10-26T03:00:00Z');
    const row = (i: number, status: 'PAID' | 'PENDING', prefix: string): PaymentEntity => ({
      id: randomUUID(),
      orderId: `${prefix}-${String(i).padStart(5, '0')}`,
      amount: 10_000 + i,
      currency: 'IDR',
      status,
      provider: 'mock',
      qrisPayload: 'QR',
      providerTrxId: `${prefix}TRX${String(i).padStart(5, '0')}`,
      providerRefNo: status === 'PAID' ? `REF${i}` : null,
      expiresAt: new Date(paidAt.getTime() + 3_600_000),
      paidAt: status === 'PAID' ? paidAt : null,
      callbackUrl: i % 3 === 0 ? 'https://merchant.example/cb' : null,
      metadata: null,
      signatureVersion: 1,
      lockedBy: null,
      lockedUntil: null,
      createdAt: new Date(paidAt.getTime() - 60_000),
      updatedAt: paidAt,
    });
    const rows = [
      ...Array.from({ length: PAID }, (_, i) => row(i, 'PAID', 'P')),
      ...Array.from({ length: FIXABLE }, (_, i) => row(i, 'PENDING', 'MOCK_SETTLED')),
    ];
    await db.transaction((em) => new BatchSql(em).insertMany(PaymentEntity, rows));
  });

  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  it('concurrent first runs store each settlement once, log RECONCILE once per payment and report alike; a rerun changes nothing', async () => {
    // SQLite: two runs in one process (its transactions queue); MySQL/PostgreSQL: two instances as well.
    const other = name === 'sqlite' ? undefined : await startApp(env(), { clock });
    try {
      const services = [running.app.get(ReconciliationService), (other ?? running).app.get(ReconciliationService), running.app.get(ReconciliationService)];
      // One settlement file for every run, as a real provider's is (the mock reads our payments in two
      // queries, so a run that fixes a payment between another run's two reads would change its feed).
      const file = (services[0] as any).provider.fetchSettlement(DAY);
      const providers = [...new Set(services.map((s) => (s as any).provider))];
      const originals = providers.map((p) => p.fetchSettlement);
      providers.forEach((p) => (p.fetchSettlement = async () => structuredClone(await file)));
      const runs = await Promise.all(services.map((s) => s.runNow(DAY, 'cli', () => clock.now()))).finally(() =>
        providers.forEach((p, i) => (p.fetchSettlement = originals[i])),
      );
      for (const r of runs) expect(r.status).toBe('DONE');
      const [first, ...rest] = runs.map((r) => r.report as unknown as ReconciliationReport);
      for (const r of rest) expect(r).toEqual(first);
      expect(first.settlement_rows).toBe(PAID + FIXABLE + 1);
      expect(first.counts).toEqual({ matched: PAID, missing_at_provider: 0, missing_in_our_system: 1, status_mismatch: FIXABLE, amount_mismatch: 0 });
      expect(first.status_mismatch.map((m) => [m.our_status, m.fixed_to])).toEqual(Array(FIXABLE).fill(['PENDING', 'PAID']));

      const settlements = await db.manager.find(SettlementEntity, { where: { settlementDate: DAY } });
      expect(settlements).toHaveLength(PAID + FIXABLE + 1);
      expect(settlements.filter((s) => s.reconciled)).toHaveLength(PAID + FIXABLE);
      const payments = await db.manager.find(PaymentEntity, { select: { id: true, providerTrxId: true, status: true } });
      expect(payments.every((p) => p.status === 'PAID')).toBe(true);
      const byTrx = new Map(payments.map((p) => [p.providerTrxId, p.id]));
      for (const s of settlements) expect(s.paymentId).toBe(byTrx.get(s.providerTrxId) ?? null);

      const logs = await db.manager.find(PaymentLogEntity, { where: { event: In(['RECONCILE', 'RECONCILE_FIX']) } });
      const reconcile = logs.filter((l) => l.event === 'RECONCILE');
      expect(reconcile).toHaveLength(PAID + FIXABLE);
      expect(new Set(reconcile.map((l) => l.paymentId)).size).toBe(PAID + FIXABLE);
      expect(logs.filter((l) => l.event === 'RECONCILE_FIX')).toHaveLength(FIXABLE);
      const settlementOf = new Map(settlements.map((s) => [s.id, s]));
      for (const log of reconcile) {
        const s = settlementOf.get(log.payload!.settlement_id)!;
        expect(s.paymentId).toBe(log.paymentId);
        expect(log.payload).toEqual({ date: DAY, settlement_id: s.id, amount: s.amount, fee: s.fee, net_amount: s.netAmount });
      }
      // The fixed ones: fix first, then the mark, in log order.
      const fixed = await db.manager.find(PaymentEntity, { where: { orderId: Like('MOCK_SETTLED-%') } });
      for (const p of fixed) {
        const events = (await db.manager.find(PaymentLogEntity, { where: { paymentId: p.id }, order: { createdAt: 'ASC', id: 'ASC' } })).map((l) => l.event);
        expect(events).toEqual(['RECONCILE_FIX', 'RECONCILE']);
      }

      const counts = async () => ({ settlements: await db.manager.count(SettlementEntity), logs: await db.manager.count(PaymentLogEntity) });
      const before = await counts();
      const again = await running.app.get(ReconciliationService).runNow(DAY, 'cli', () => clock.now());
      expect(again.report).toEqual(first);
      expect(await counts()).toEqual(before);
    } finally {
      await other?.close();
    }
  });

  it('a settlement the provider corrected is matched again from scratch (one more RECONCILE), the rest stay as they are', async () => {
    const service = running.app.get(ReconciliationService);
    const provider = (service as any).provider;
    const original = provider.fetchSettlement.bind(provider);
    const target = 'PTRX00042';
    provider.fetchSettlement = async (date: string) =>
      (await original(date)).map((r: any) => (r.providerTrxId === target ? { ...r, fileId: 'corrected-file' } : r));
    try {
      const before = await db.manager.count(PaymentLogEntity, { where: { event: 'RECONCILE' } });
      const run = await service.runNow(DAY, 'cli', () => clock.now());
      expect(run.report!.counts.matched).toBe(PAID);
      expect(await db.manager.count(PaymentLogEntity, { where: { event: 'RECONCILE' } })).toBe(before + 1);
      expect(await db.manager.findOneByOrFail(SettlementEntity, { providerTrxId: target, settlementDate: DAY })).toMatchObject({
        fileId: 'corrected-file',
        reconciled: true,
      });
    } finally {
      provider.fetchSettlement = original;
    }
  });
});
