import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { In } from 'typeorm';
import { uuidv7 } from '../common/ids/uuid-v7';
import { BatchSql } from '../database/batch-sql';
import { Db } from '../database/db';
import { CallbackDeliveryEntity } from '../database/entities/callback-delivery.entity';
import { PaymentLogEntity } from '../database/entities/payment-log.entity';
import { PaymentEntity } from '../database/entities/payment.entity';
import { MetricsService } from '../metrics/metrics.service';
import { PaymentTransitionService } from '../payments/payment-transitions.service';
import { QRIS_PROVIDER, QrisProvider } from '../providers/qris-provider';
import { CallbackFields } from '../callbacks/callback-intent';
import { callbackIntentRows } from './callback-intent-rows';
import { markPaidFromStatus, paidAsExpected, queryProviderStatus } from './provider-status';

/**
 * Payments per batch, and per transaction on the batch path. On SQLite a transaction holds the
 * process's one write queue (and the file's write lock), so a batch is kept short — a few ms for 500
 * payments — and the job yields between batches so request writes get in.
 */
export const EXPIRE_BATCH_SIZE = 500;

export interface ExpireSummary {
  expired: number;
  /** Paid at the last second: the provider's status API said so before we expired them. */
  paid: number;
  /** Another worker, a webhook or an instance changed them first (compare-and-set lost). */
  skipped: number;
  failed: number;
}

/** The columns the batch path needs back from the rows it changed: the log payload and the callback body. */
const RETURNED = ['id', 'orderId', 'status', 'amount', 'paidAt', 'callbackUrl', 'expiresAt'];

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * PENDING payments past expires_at become EXPIRED (log EXPIRE, plus the callback intent where the
 * payment has a callback_url). Every change is a compare-and-set, so concurrent runs, other instances
 * and a racing webhook apply each payment's change exactly once.
 *
 * Two paths per batch of due payments (oldest expires_at first, via ix_payments_status_expires_at):
 *  - the provider has a status API: each payment is asked about first (a payment paid in its last second
 *    becomes PAID instead) and changed in its own transaction through PaymentTransitionService;
 *  - otherwise (the mock): the whole batch in ONE transaction — one set-based compare-and-set
 *    `UPDATE … WHERE id IN (…) AND status = 'PENDING' AND expires_at <= now` that reports exactly the rows
 *    it won (BatchSql.casUpdate: RETURNING, or SELECT … FOR UPDATE on MySQL), then one multi-row INSERT of
 *    their EXPIRE logs and one of their callback intents. Rows it did not win were changed by someone
 *    else and get nothing. If the batch transaction fails, that batch is retried payment by payment.
 */
@Injectable()
export class ExpireService {
  private readonly logger = new Logger(ExpireService.name);

  constructor(
    private readonly db: Db,
    private readonly transitions: PaymentTransitionService,
    @Inject(QRIS_PROVIDER) private readonly provider: QrisProvider,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async expireDue(now: Date, batchSize = EXPIRE_BATCH_SIZE): Promise<ExpireSummary> {
    const summary: ExpireSummary = { expired: 0, paid: 0, skipped: 0, failed: 0 };
    const failedIds = new Set<string>();
    for (let first = true; ; first = false) {
      if (!first) await yieldToOthers();
      const due = await this.dueIds(now, batchSize + failedIds.size);
      const batch = due.filter((id) => !failedIds.has(id)).slice(0, batchSize);
      if (batch.length === 0) break;
      let perPayment = !!this.provider.queryStatus;
      if (!perPayment) {
        try {
          const expired = await this.expireBatch(batch, now);
          summary.expired += expired;
          summary.skipped += batch.length - expired;
        } catch (error) {
          this.logger.warn({ msg: 'expiring a batch failed; retrying its payments one by one', size: batch.length, error: (error as Error).message });
          perPayment = true;
        }
      }
      if (perPayment) await this.settleEach(batch, now, summary, failedIds);
      if (batch.length < batchSize) break;
    }
    if (summary.expired + summary.paid + summary.failed > 0) this.logger.log({ msg: 'expire job', ...summary });
    return summary;
  }

  /** Due PENDING ids, oldest expiry first: a range scan of ix_payments_status_expires_at (no tie sort on id). */
  private async dueIds(now: Date, limit: number): Promise<string[]> {
    const sql = new BatchSql(this.db.manager);
    const p = sql.params();
    const [t, id, status, expiresAt] = [sql.table(PaymentEntity), sql.col(PaymentEntity, 'id'), sql.col(PaymentEntity, 'status'), sql.col(PaymentEntity, 'expiresAt')];
    const rows = await sql.rows(
      `SELECT ${id} AS id FROM ${t} WHERE ${status} = ${p.add('PENDING')} AND ${expiresAt} <= ${p.add(sql.value(PaymentEntity, 'expiresAt', now))} ORDER BY ${expiresAt} LIMIT ${Number(limit)}`,
      p,
    );
    return rows.map((r) => r.id as string);
  }

  /** One transaction: compare-and-set the batch, then the logs and callback intents of exactly the rows won. */
  private async expireBatch(ids: string[], now: Date): Promise<number> {
    const won = await this.db.transaction(async (em) => {
      const sql = new BatchSql(em);
      const col = (prop: string) => sql.col(PaymentEntity, prop);
      const rows = await sql.casUpdate(PaymentEntity, {
        ids,
        set: (p) => `${col('status')} = ${p.add('EXPIRED')}, ${col('updatedAt')} = ${p.add(sql.value(PaymentEntity, 'updatedAt', now))}`,
        expect: (p) =>
          `${sql.unindexed(PaymentEntity, 'status')} = ${p.add('PENDING')} AND ${sql.unindexed(PaymentEntity, 'expiresAt')} <= ${p.add(sql.value(PaymentEntity, 'expiresAt', now))}`,
        returning: RETURNED,
      });
      const order = new Map(ids.map((id, i) => [id, i]));
      // The payments as they are now (MySQL's locked rows were read before the UPDATE).
      const payments = rows
        .map((raw) => ({ ...sql.hydrate(PaymentEntity, raw), status: 'EXPIRED' as const }) as CallbackFields & Pick<PaymentEntity, 'expiresAt'>)
        .sort((a, b) => order.get(a.id)! - order.get(b.id)!);
      await sql.insertMany(
        PaymentLogEntity,
        payments.map((p) => ({
          id: uuidv7(),
          paymentId: p.id,
          event: 'EXPIRE',
          // As the per-payment path writes it (provider_status: no status API was asked).
          payload: { expires_at: p.expiresAt.toISOString(), provider_status: null },
          createdAt: now,
        })),
      );
      await sql.insertMany(CallbackDeliveryEntity, callbackIntentRows(payments, now));
      return payments.length;
    });
    if (won > 0) this.metrics?.paymentTransitions.inc({ to: 'EXPIRED' }, won);
    return won;
  }

  private async settleEach(ids: string[], now: Date, summary: ExpireSummary, failedIds: Set<string>): Promise<void> {
    const loaded = await this.db.manager.find(PaymentEntity, { where: { id: In(ids) } });
    const byId = new Map(loaded.map((p) => [p.id, p]));
    for (const id of ids) {
      const payment = byId.get(id);
      if (!payment) continue;
      try {
        const outcome = await this.settle(payment, now);
        summary[outcome] += 1;
      } catch (error) {
        failedIds.add(payment.id);
        summary.failed += 1;
        this.logger.error({ msg: 'expiring a payment failed', paymentId: payment.id, error: (error as Error).message });
      }
    }
  }

  private async settle(payment: PaymentEntity, now: Date): Promise<'expired' | 'paid' | 'skipped'> {
    if (payment.status !== 'PENDING' || payment.expiresAt > now) return 'skipped';
    const remote = await queryProviderStatus(this.provider, payment, this.logger);
    if (paidAsExpected(remote, payment)) {
      return (await markPaidFromStatus(this.db, this.transitions, payment, remote, now, 'expire')) ? 'paid' : 'skipped';
    }
    const won = await this.db.transaction((em) =>
      this.transitions.transition(em, {
        paymentId: payment.id,
        from: ['PENDING'],
        to: 'EXPIRED',
        event: 'EXPIRE',
        payload: { expires_at: payment.expiresAt.toISOString(), provider_status: remote?.status ?? null },
        now,
      }),
    );
    return won ? 'expired' : 'skipped';
  }
}
