import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { callbackBody, recordCallbackIntent } from '../../src/callbacks/callback-intent';
import { BatchSql } from '../../src/database/batch-sql';
import { Db } from '../../src/database/db';
import { CallbackDeliveryEntity } from '../../src/database/entities/callback-delivery.entity';
import { PaymentLogEntity } from '../../src/database/entities/payment-log.entity';
import { PaymentEntity } from '../../src/database/entities/payment.entity';
import { ExpireService } from '../../src/jobs/expire.service';
import { MetricsService } from '../../src/metrics/metrics.service';
import { RunningApp, TestClock, startApp } from '../support/app-harness';
import { TestDatabase, testDatabases } from '../support/databases';
import { createPayment, useExpireSuite } from './seed';

const MINUTE = 60_000;

/** The batch path of the expire job (the mock provider has no status API). */
describe.each(testDatabases())('expire job, batch path, on %s', (name, makeDatabase) => {
  const suite = useExpireSuite(makeDatabase);
  let database: TestDatabase;
  let running: RunningApp;
  let clock: TestClock;
  let db: Db;
  let expire: ExpireService;
  // The shared setup has run by now (hooks run in the order they are declared).
  beforeAll(() => {
    ({ database, running, clock, db, expire } = suite);
  });

  /** n PENDING payments due a minute ago, inserted directly (fast); every other one has a callback_url. */
  async function seedDue(n: number, prefix: string): Promise<string[]> {
    const now = clock.now();
    const rows: PaymentEntity[] = Array.from({ length: n }, (_, i) => ({
      id: randomUUID(),
      orderId: `${prefix}-${Date.now().toString(36)}-${i}`,
      amount: 10_000 + i,
      currency: 'IDR',
      status: 'PENDING',
      provider: 'mock',
      qrisPayload: 'QR',
      providerTrxId: `${prefix}TRX${i}-${randomUUID()}`,
      providerRefNo: null,
      expiresAt: new Date(now.getTime() - MINUTE - i),
      paidAt: null,
      callbackUrl: i % 2 === 0 ? 'https://merchant.example/cb' : null,
      metadata: null,
      signatureVersion: 1,
      lockedBy: null,
      lockedUntil: null,
      createdAt: new Date(now.getTime() - 20 * MINUTE),
      updatedAt: new Date(now.getTime() - 20 * MINUTE),
    }));
    await db.transaction((em) => new BatchSql(em).insertMany(PaymentEntity, rows));
    return rows.map((r) => r.id);
  }

  async function expectEachExpiredOnce(ids: string[]) {
    const payments = await db.manager.find(PaymentEntity, { where: { id: In(ids) } });
    expect(payments).toHaveLength(ids.length);
    expect(payments.every((p) => p.status === 'EXPIRED')).toBe(true);
    const logs = await db.manager.find(PaymentLogEntity, { where: { paymentId: In(ids) } });
    expect(logs.filter((l) => l.event === 'EXPIRE')).toHaveLength(ids.length);
    expect(new Set(logs.map((l) => l.paymentId)).size).toBe(ids.length);
    const intents = await db.manager.find(CallbackDeliveryEntity, { where: { paymentId: In(ids) } });
    const withCallback = payments.filter((p) => p.callbackUrl);
    expect(intents).toHaveLength(withCallback.length);
    expect(new Set(intents.map((i) => i.paymentId))).toEqual(new Set(withCallback.map((p) => p.id)));
  }

  it('writes the same callback intent, byte for byte, as recordCallbackIntent, and the same EXPIRE log payload', async () => {
    const payments = [
      await createPayment(running, { expiry_minutes: 1, amount: 123_456, callback_url: 'https://merchant.example/cb?x=1' }),
      await createPayment(running, { expiry_minutes: 1, amount: 1, callback_url: 'https://merchant.example/cb' }),
    ];
    clock.advance(2 * MINUTE);
    const now = clock.now();
    expect(await expire.expireDue(now)).toEqual({ expired: 2, paid: 0, skipped: 0, failed: 0 });

    for (const p of payments) {
      const [batchRow] = await db.manager.find(CallbackDeliveryEntity, { where: { paymentId: p.id } });
      // What the per-payment path writes for the same payment now, rolled back afterwards.
      let reference: CallbackDeliveryEntity | undefined;
      await db
        .transaction(async (em) => {
          const id = await recordCallbackIntent(em, p.id, now);
          reference = (await em.findOneByOrFail(CallbackDeliveryEntity, { id: id! })) ?? undefined;
          throw new Error('rollback');
        })
        .catch((error) => expect(error.message).toBe('rollback'));
      const { id: _a, ...batch } = batchRow;
      const { id: _b, ...ref } = reference!;
      expect(batch).toEqual(ref);
      expect(Buffer.from(batchRow.body).equals(Buffer.from(reference!.body))).toBe(true);
      expect(batchRow.body).toBe(callbackBody(await db.manager.findOneByOrFail(PaymentEntity, { id: p.id })));

      const [log] = await db.manager.find(PaymentLogEntity, { where: { paymentId: p.id, event: 'EXPIRE' } });
      expect(log.payload).toEqual({ expires_at: p.expiresAt.toISOString(), provider_status: null });
      expect(log.createdAt).toEqual(now);
      expect(await db.manager.findOneByOrFail(PaymentEntity, { id: p.id })).toMatchObject({ status: 'EXPIRED', updatedAt: now });
    }
    expect(await db.manager.count(CallbackDeliveryEntity, { where: { paymentId: In(payments.map((p) => p.id)) } })).toBe(2);
  });

  it('counts payment_transitions_total{to="EXPIRED"} once per payment it expired', async () => {
    const counter = running.app.get(MetricsService).paymentTransitions;
    const value = async () => (await counter.get()).values.find((v) => v.labels.to === 'EXPIRED')?.value ?? 0;
    const before = await value();
    await seedDue(7, 'MET');
    expect(await expire.expireDue(clock.now(), 3)).toEqual({ expired: 7, paid: 0, skipped: 0, failed: 0 });
    expect((await value()) - before).toBe(7);
  });

  it('two runs at once in one process over 1,000 due payments: each expired once, one log and at most one intent each', async () => {
    const ids = await seedDue(1000, 'PAR');
    const [a, b] = await Promise.all([expire.expireDue(clock.now(), 200), expire.expireDue(clock.now(), 300)]);
    expect(a.failed + b.failed).toBe(0);
    expect(a.expired + b.expired).toBe(1000);
    await expectEachExpiredOnce(ids);
  });

  // Separate SQLite instances are separate processes (run-job-cli spec); two SQLite apps in one process
  // would block each other's event loop on the file lock.
  (name === 'sqlite' ? it.skip : it)('two instances on one database over 1,000 due payments: each expired once, one log, one intent', async () => {
    const other = await startApp({ ...database.appEnv }, { clock });
    try {
      const ids = await seedDue(1000, 'INST');
      const [a, b, c] = await Promise.all([
        expire.expireDue(clock.now(), 250),
        other.app.get(ExpireService).expireDue(clock.now(), 250),
        other.app.get(ExpireService).expireDue(clock.now(), 400),
      ]);
      expect(a.failed + b.failed + c.failed).toBe(0);
      expect(a.expired + b.expired + c.expired).toBe(1000);
      await expectEachExpiredOnce(ids);
    } finally {
      await other.close();
    }
  });

  it('leaves payments that are not due, or no longer PENDING, alone', async () => {
    const [dueId, notDueId, paidId] = await seedDue(3, 'MIX');
    await db.transaction(async (em) => {
      await em.update(PaymentEntity, { id: notDueId }, { expiresAt: new Date(clock.now().getTime() + MINUTE) });
      await em.update(PaymentEntity, { id: paidId }, { status: 'PAID', paidAt: clock.now() });
    });
    expect(await expire.expireDue(clock.now())).toMatchObject({ expired: 1, failed: 0 });
    const status = async (id: string) => (await db.manager.findOneByOrFail(PaymentEntity, { id })).status;
    expect([await status(dueId), await status(notDueId), await status(paidId)]).toEqual(['EXPIRED', 'PENDING', 'PAID']);
    expect(await db.manager.count(PaymentLogEntity, { where: { paymentId: In([notDueId, paidId]) } })).toBe(0);
  });

  it('a batch whose transaction fails is retried payment by payment', async () => {
    const ids = await seedDue(5, 'FALL');
    const spy = jest.spyOn(expire as any, 'expireBatch').mockRejectedValueOnce(new Error('deadlock, say'));
    try {
      expect(await expire.expireDue(clock.now())).toEqual({ expired: 5, paid: 0, skipped: 0, failed: 0 });
    } finally {
      spy.mockRestore();
    }
    await expectEachExpiredOnce(ids);
  });
});
