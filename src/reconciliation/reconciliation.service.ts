import { Inject, Injectable, Logger } from '@nestjs/common';
import { And, EntityManager, In, LessThan, MoreThanOrEqual } from 'typeorm';
import { jakartaDayRange } from '../common/time/jakarta-day';
import { toJakartaIso } from '../common/time/jakarta-time';
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
import { SettlementStore } from './settlement-store';

const CHUNK = 500;
const FIXABLE: PaymentStatus[] = ['PENDING', 'EXPIRED'];
const SETTLED_OK: PaymentStatus[] = ['PAID', 'REFUNDED'];

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
    const stored = await this.settlements.upsert(provider, date, rows, now);
    const payments = await this.paymentsByTrx(rows.map((r) => r.providerTrxId));

    const statusMismatch: StatusMismatch[] = [];
    const amountMismatch: AmountMismatch[] = [];
    const missingInOurSystem: MissingInOurSystem[] = [];
    const settledOk: PaymentEntity[] = [];
    for (const row of rows) {
      const settlement = stored.get(row.providerTrxId)!;
      const payment = payments.get(row.providerTrxId);
      if (!payment) {
        missingInOurSystem.push({ provider_trx_id: row.providerTrxId, amount: row.amount, fee: row.fee, net_amount: row.netAmount });
        await this.db.transaction((em) => this.settlements.link(em, settlement, null, false, now, date));
      } else if (payment.amount !== row.amount) {
        amountMismatch.push({
          payment_id: payment.id,
          order_id: payment.orderId,
          provider_trx_id: row.providerTrxId,
          our_amount: payment.amount,
          settled_amount: row.amount,
          our_status: payment.status,
        });
        await this.db.transaction((em) => this.settlements.link(em, settlement, payment.id, false, now, date));
      } else if (FIXABLE.includes(payment.status) || SETTLED_OK.includes(payment.status)) {
        await this.db.transaction(async (em) => {
          if (FIXABLE.includes(payment.status)) await this.fix(em, payment, row, settlement, date, now);
          const current = await em.findOneOrFail(PaymentEntity, { where: { id: payment.id } });
          const ok = SETTLED_OK.includes(current.status);
          await this.settlements.link(em, settlement, payment.id, ok, now, date);
        });
        settledOk.push(payment);
      } else {
        statusMismatch.push({ ...this.describe(payment, row.providerTrxId), our_status: payment.status, fixed_to: null });
        await this.db.transaction((em) => this.settlements.link(em, settlement, payment.id, false, now, date));
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
  private async fix(em: EntityManager, payment: PaymentEntity, row: SettlementRow, settlement: SettlementEntity, date: string, now: Date): Promise<void> {
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

  private describe(payment: PaymentEntity, trxId: string) {
    return { payment_id: payment.id, order_id: payment.orderId, provider_trx_id: trxId, amount: payment.amount };
  }

  private dedupe(rows: SettlementRow[]): SettlementRow[] {
    return [...new Map(rows.map((r) => [r.providerTrxId, r])).values()].sort((a, b) =>
      a.providerTrxId < b.providerTrxId ? -1 : a.providerTrxId > b.providerTrxId ? 1 : 0,
    );
  }

  private async paymentsByTrx(trxIds: string[]): Promise<Map<string, PaymentEntity>> {
    const found = new Map<string, PaymentEntity>();
    for (const part of chunks(trxIds)) {
      const rows = await this.db.manager.find(PaymentEntity, { where: { provider: this.provider.name, providerTrxId: In(part) } });
      for (const p of rows) found.set(p.providerTrxId!, p);
    }
    return found;
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
