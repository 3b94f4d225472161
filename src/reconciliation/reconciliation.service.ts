import { Inject, Injectable, Logger } from '@nestjs/common';
import { And, EntityManager, In, LessThan, MoreThanOrEqual } from 'typeorm';
import { jakartaDayRange } from '../common/time/jakarta-day';
import { toJakartaIso } from '../common/time/jakarta-time';
import { BatchSql } from '../database/batch-sql';
import { Db } from '../database/db';
import { PaymentLogEntity } from '../database/entities/payment-log.entity';
import { PaymentEntity } from '../database/entities/payment.entity';
import { ReconciliationRunEntity, ReconciliationTrigger } from '../database/entities/reconciliation-run.entity';
import { SettlementEntity } from '../database/entities/settlement.entity';
import { PaymentTransitionService } from '../payments/payment-transitions.service';
import { PaymentStatus } from '../payments/payment-state';
import { QRIS_PROVIDER, QrisProvider, SettlementRow } from '../providers/qris-provider';
import { AmountMismatch, MissingAtProvider, MissingInOurSystem, ReconciliationReport, StatusMismatch, byTrxId, sumOf } from './reconciliation-report';
import { ReconciliationRunsRepository } from './reconciliation-runs.repository';
import { SettlementLink, SettlementStore } from './settlement-store';

const CHUNK = 500;
const FIXABLE: PaymentStatus[] = ['PENDING', 'EXPIRED'];
const SETTLED_OK: PaymentStatus[] = ['PAID', 'REFUNDED'];

/** What matching reads of a payment (the report and the fix need nothing else). */
const MATCHED_COLUMNS = ['id', 'orderId', 'amount', 'status', 'providerTrxId'] as const;
type MatchedPayment = Pick<PaymentEntity, (typeof MATCHED_COLUMNS)[number]>;

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Reconciles one Jakarta day with the provider's settlement: stores the settlement rows, matches them
 * to payments by provider_trx_id, fixes a payment the provider settled but we still hold as PENDING or
 * EXPIRED (→ PAID, log RECONCILE_FIX), marks matches reconciled (log RECONCILE, once) and reports every
 * discrepancy. Reruns are safe: settlements are upserted, the fix and the mark are compare-and-sets,
 * and a payment fixed earlier is still reported under status_mismatch (from its RECONCILE_FIX log).
 *
 * Volume: settlement rows are inserted 500 to a statement; matching goes 500 rows at a time — one IN
 * query for their payments, then one short transaction with the (rare) fixes, one UPDATE linking the
 * discrepancies, one set-based compare-and-set marking the matches reconciled and one multi-row INSERT
 * of the RECONCILE logs for exactly the rows it marked — yielding between chunks.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger(ReconciliationService.name);

  constructor(
    private readonly db: Db,
    private readonly runs: ReconciliationRunsRepository,
    private readonly settlements: SettlementStore,
    private readonly transitions: PaymentTransitionService,
    @Inject(QRIS_PROVIDER) private readonly provider: QrisProvider,
  ) {}

  /** A run waiting for a worker (admin, cron). */
  enqueue(date: string, trigger: ReconciliationTrigger, now: Date): Promise<ReconciliationRunEntity> {
    return this.runs.create(this.provider.name, date, trigger, now);
  }

  /** Creates a run and executes it here and now (CLI, a cron job without a run id). */
  async runNow(date: string, trigger: ReconciliationTrigger, now: () => Date): Promise<ReconciliationRunEntity> {
    const run = await this.runs.create(this.provider.name, date, trigger, now());
    await this.execute(run.id, now);
    return (await this.runs.findById(run.id))!;
  }

  /** Executes a QUEUED run; a second delivery of the same run does nothing. Failures are recorded on the run and rethrown. */
  async execute(runId: string, now: () => Date): Promise<void> {
    if (!(await this.runs.claim(runId, now()))) return;
    const run = (await this.runs.findById(runId))!;
    try {
      const report = await this.reconcile(run.settlementDate, now());
      await this.runs.finish(runId, report, now());
      this.logger.log({ msg: 'reconciliation done', runId, date: run.settlementDate, ...report.counts });
    } catch (error) {
      await this.runs.fail(runId, (error as Error).message ?? String(error), now());
      this.logger.error({ msg: 'reconciliation failed', runId, date: run.settlementDate, error: (error as Error).message });
      throw error;
    }
  }

  /** A run that will never execute (its job could not be queued). */
  abandon(runId: string, message: string, now: Date): Promise<void> {
    return this.runs.fail(runId, message, now);
  }

  latestFor(date: string): Promise<ReconciliationRunEntity | null> {
    return this.runs.latestFor(date);
  }

  async reconcile(date: string, now: Date): Promise<ReconciliationReport> {
    const provider = this.provider.name;
    const rows = this.dedupe((await this.provider.fetchSettlement(date)).filter((r) => r.settlementDate === date));
    const stored = new Map((await this.settlements.forDate(date)).map((s) => [s.providerTrxId, s]));

    const statusMismatch: StatusMismatch[] = [];
    const amountMismatch: AmountMismatch[] = [];
    const missingInOurSystem: MissingInOurSystem[] = [];
    const settledOk: MatchedPayment[] = [];
    // A chunk at a time: one IN query for its payments, then one short transaction for its writes.
    for (const [index, part] of chunks(rows).entries()) {
      if (index > 0) await yieldToOthers();
      const payments = await this.paymentsByTrx(part.map((r) => r.providerTrxId));

      // Settlement rows: stored ones brought up to date (a provider correction, rare), new ones inserted
      // with the chunk's transaction below, already linked to the payment they match.
      const fresh: Array<{ row: SettlementRow; entity: SettlementEntity }> = [];
      for (const row of part) {
        const existing = stored.get(row.providerTrxId);
        if (existing) stored.set(row.providerTrxId, await this.settlements.refresh(existing, row));
        else fresh.push({ row, entity: this.settlements.newRow(provider, date, row, payments.get(row.providerTrxId)?.id ?? null, now) });
      }
      for (const { entity } of fresh) stored.set(entity.providerTrxId, entity);

      const unreconciled: Array<{ trxId: string; paymentId: string | null }> = [];
      const candidates: Array<{ row: SettlementRow; payment: MatchedPayment }> = [];
      for (const row of part) {
        const payment = payments.get(row.providerTrxId);
        if (!payment) {
          missingInOurSystem.push({ provider_trx_id: row.providerTrxId, amount: row.amount, fee: row.fee, net_amount: row.netAmount });
          unreconciled.push({ trxId: row.providerTrxId, paymentId: null });
        } else if (payment.amount !== row.amount) {
          amountMismatch.push({
            payment_id: payment.id,
            order_id: payment.orderId,
            provider_trx_id: row.providerTrxId,
            our_amount: payment.amount,
            settled_amount: row.amount,
            our_status: payment.status,
          });
          unreconciled.push({ trxId: row.providerTrxId, paymentId: payment.id });
        } else if (FIXABLE.includes(payment.status) || SETTLED_OK.includes(payment.status)) {
          candidates.push({ row, payment });
          settledOk.push(payment);
        } else {
          statusMismatch.push({ ...this.describe(payment, row.providerTrxId), our_status: payment.status, fixed_to: null });
          unreconciled.push({ trxId: row.providerTrxId, paymentId: payment.id });
        }
      }

      const link = async (em: EntityManager) => {
        const settlementOf = (trxId: string) => stored.get(trxId)!;
        for (const { row, payment } of candidates) {
          if (FIXABLE.includes(payment.status)) await this.fix(em, payment, row, settlementOf(row.providerTrxId), date, now);
        }
        // PAID can only become REFUNDED and REFUNDED nothing, so only the fixable ones can have left
        // PAID/REFUNDED since they were read: their status is read again, after the fix attempt.
        const current = await this.statusesOf(em, candidates.filter((c) => FIXABLE.includes(c.payment.status)).map((c) => c.payment.id));
        const links: SettlementLink[] = unreconciled.map((u) => ({ settlement: settlementOf(u.trxId), paymentId: u.paymentId }));
        const reconciled: Array<SettlementLink & { paymentId: string }> = [];
        for (const { row, payment } of candidates) {
          const status = FIXABLE.includes(payment.status) ? current.get(payment.id) : payment.status;
          if (status === undefined) throw new Error(`payment ${payment.id} disappeared during reconciliation`);
          const settlement = settlementOf(row.providerTrxId);
          if (SETTLED_OK.includes(status)) reconciled.push({ settlement, paymentId: payment.id });
          else links.push({ settlement, paymentId: payment.id });
        }
        await this.settlements.linkUnreconciled(em, links);
        await this.settlements.markReconciled(em, reconciled, now, date);
      };
      try {
        await this.db.transaction(async (em) => {
          await this.settlements.insertMany(em, fresh.map((f) => f.entity));
          await link(em);
        });
      } catch (error) {
        // A concurrent run stored some of these rows first: the chunk was rolled back whole; store its new
        // rows one by one (taking theirs), then link again.
        if (fresh.length === 0 || !this.settlements.retryableInsertError(error)) throw error;
        for (const { row, entity } of fresh) stored.set(row.providerTrxId, await this.settlements.insertOne(entity, row, date));
        await this.db.transaction(link);
      }
    }

    const fixes = await this.fixesOn(date, settledOk.map((p) => p.id));
    let matched = 0;
    for (const payment of settledOk) {
      const fix = fixes.get(payment.id);
      if (fix) statusMismatch.push({ ...this.describe(payment, payment.providerTrxId!), our_status: fix, fixed_to: 'PAID' });
      else matched += 1;
    }
    const missingAtProvider = await this.missingAtProvider(date, new Set(rows.map((r) => r.providerTrxId)));

    return {
      provider,
      date,
      settlement_rows: rows.length,
      counts: {
        matched,
        missing_at_provider: missingAtProvider.length,
        missing_in_our_system: missingInOurSystem.length,
        status_mismatch: statusMismatch.length,
        amount_mismatch: amountMismatch.length,
      },
      totals: { amount: sumOf(rows, (r) => r.amount), fee: sumOf(rows, (r) => r.fee), net: sumOf(rows, (r) => r.netAmount) },
      missing_at_provider: missingAtProvider.sort(byTrxId),
      missing_in_our_system: missingInOurSystem.sort(byTrxId),
      status_mismatch: statusMismatch.sort(byTrxId),
      amount_mismatch: amountMismatch.sort(byTrxId),
    };
  }

  /** The provider settled it, so the money moved: PENDING/EXPIRED → PAID, unless a webhook got there first. */
  private async fix(em: EntityManager, payment: MatchedPayment, row: SettlementRow, settlement: SettlementEntity, date: string, now: Date): Promise<void> {
    await this.transitions.transition(em, {
      paymentId: payment.id,
      from: FIXABLE,
      to: 'PAID',
      patch: { paidAt: row.paidAt ?? now },
      event: 'RECONCILE_FIX',
      payload: { date, settlement_id: settlement.id, previous_status: payment.status },
      now,
    });
  }

  private describe(payment: MatchedPayment, trxId: string) {
    return { payment_id: payment.id, order_id: payment.orderId, provider_trx_id: trxId, amount: payment.amount };
  }

  private dedupe(rows: SettlementRow[]): SettlementRow[] {
    return [...new Map(rows.map((r) => [r.providerTrxId, r])).values()].sort((a, b) =>
      a.providerTrxId < b.providerTrxId ? -1 : a.providerTrxId > b.providerTrxId ? 1 : 0,
    );
  }

  /** The payments of one chunk of trx ids (one IN query over ix_payments_provider_trx_id), only the columns used here. */
  private async paymentsByTrx(trxIds: string[]): Promise<Map<string, MatchedPayment>> {
    const found = new Map<string, MatchedPayment>();
    if (trxIds.length === 0) return found;
    const sql = new BatchSql(this.db.manager);
    const col = (prop: string) => sql.col(PaymentEntity, prop);
    const p = sql.params();
    const rows = await sql.rows(
      `SELECT ${MATCHED_COLUMNS.map((c) => col(c)).join(', ')} FROM ${sql.table(PaymentEntity)} WHERE ${col('provider')} = ${p.add(this.provider.name)} AND ${col('providerTrxId')} IN (${p.list(trxIds)})`,
      p,
    );
    for (const raw of rows) {
      const payment = sql.hydrate(PaymentEntity, raw) as MatchedPayment;
      found.set(payment.providerTrxId!, payment);
    }
    return found;
  }

  private async statusesOf(em: EntityManager, ids: string[]): Promise<Map<string, PaymentStatus>> {
    if (ids.length === 0) return new Map();
    const sql = new BatchSql(em);
    const col = (prop: string) => sql.col(PaymentEntity, prop);
    const p = sql.params();
    const rows = await sql.rows(`SELECT ${col('id')} AS id, ${col('status')} AS status FROM ${sql.table(PaymentEntity)} WHERE ${col('id')} IN (${p.list(ids)})`, p);
    return new Map(rows.map((r) => [r.id as string, r.status as PaymentStatus]));
  }

  /** Payments this date's reconciliation moved to PAID (any run), with their status before. */
  private async fixesOn(date: string, paymentIds: string[]): Promise<Map<string, PaymentStatus>> {
    const fixes = new Map<string, PaymentStatus>();
    for (const part of chunks(paymentIds)) {
      const logs = await this.db.manager.find(PaymentLogEntity, { where: { event: 'RECONCILE_FIX', paymentId: In(part) } });
      for (const log of logs) if (log.payload?.date === date) fixes.set(log.paymentId, log.payload.previous_status);
    }
    return fixes;
  }

  /**
   * PAID within the day by our books but absent from the provider's day. A payment settled under
   * another date (already in settlements) is not missing.
   */
  private async missingAtProvider(date: string, settledTrxIds: Set<string>): Promise<MissingAtProvider[]> {
    const { from, to } = jakartaDayRange(date);
    const paid = await this.db.manager.find(PaymentEntity, {
      select: { id: true, orderId: true, providerTrxId: true, amount: true, paidAt: true },
      where: { provider: this.provider.name, status: 'PAID', paidAt: And(MoreThanOrEqual(from), LessThan(to)) },
    });
    const candidates = paid.filter((p) => !p.providerTrxId || !settledTrxIds.has(p.providerTrxId));
    const elsewhere = new Set<string>();
    for (const part of chunks(candidates.filter((p) => p.providerTrxId).map((p) => p.providerTrxId!))) {
      const rows = await this.db.manager.find(SettlementEntity, { select: { id: true, providerTrxId: true }, where: { providerTrxId: In(part) } });
      for (const s of rows) elsewhere.add(s.providerTrxId);
    }
    return candidates
      .filter((p) => !p.providerTrxId || !elsewhere.has(p.providerTrxId))
      .map((p) => ({ payment_id: p.id, order_id: p.orderId, provider_trx_id: p.providerTrxId, amount: p.amount, paid_at: toJakartaIso(p.paidAt) }));
  }
}
