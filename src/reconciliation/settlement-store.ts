import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { uuidv7 } from '../common/ids/uuid-v7';
import { BatchSql, SqlParams } from '../database/batch-sql';
import { Db } from '../database/db';
import { PaymentLogEntity } from '../database/entities/payment-log.entity';
import { SettlementEntity } from '../database/entities/settlement.entity';
import { isTransientDbError } from '../database/transient-error';
import { isUniqueViolation } from '../database/unique-violation';
import { SettlementRow } from '../providers/qris-provider';

export interface SettlementLink {
  settlement: SettlementEntity;
  paymentId: string | null;
}

/** settlements rows: one per (provider_trx_id, settlement_date), safe against concurrent runs. */
@Injectable()
export class SettlementStore {
  constructor(private readonly db: Db) {}

  /** A new settlements row for a provider row, linked up front to the payment it matched (if any). */
  newRow(provider: string, date: string, row: SettlementRow, paymentId: string | null, now: Date): SettlementEntity {
    return {
      id: uuidv7(),
      provider,
      providerTrxId: row.providerTrxId,
      paymentId,
      amount: row.amount,
      fee: row.fee,
      netAmount: row.netAmount,
      settlementDate: date,
      fileId: row.fileId,
      reconciled: false,
      createdAt: now,
    };
  }

  /** Multi-row INSERT in the caller's transaction; a unique violation means a concurrent run stored some first. */
  async insertMany(em: EntityManager, rows: readonly SettlementEntity[]): Promise<void> {
    await new BatchSql(em).insertMany(SettlementEntity, rows);
  }

  /** True for an insertMany failure that insertOne row by row resolves (a concurrent run's rows, or a deadlock with it). */
  retryableInsertError(error: unknown): boolean {
    return isUniqueViolation(error) || isTransientDbError(error);
  }

  /** Inserts one row in its own transaction; when a concurrent run stored it first, takes theirs (brought up to date). */
  async insertOne(entity: SettlementEntity, row: SettlementRow, date: string): Promise<SettlementEntity> {
    try {
      await this.db.transaction((em) => em.insert(SettlementEntity, entity));
      return entity;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const theirs = await this.db.manager.findOneByOrFail(SettlementEntity, { providerTrxId: row.providerTrxId, settlementDate: date });
      return this.differs(theirs, row) ? this.update(theirs.id, row) : theirs;
    }
  }

  /** The stored row brought up to date with the provider's row (a correction resets the match). */
  async refresh(stored: SettlementEntity, row: SettlementRow): Promise<SettlementEntity> {
    return this.differs(stored, row) ? this.update(stored.id, row) : stored;
  }

  forDate(date: string): Promise<SettlementEntity[]> {
    return this.db.manager.find(SettlementEntity, { where: { settlementDate: date } });
  }

  /** Links settlements to their payment (or to none) without marking them reconciled: one UPDATE for all. */
  async linkUnreconciled(em: EntityManager, links: readonly SettlementLink[]): Promise<void> {
    if (links.length === 0) return;
    const sql = new BatchSql(em);
    const col = (prop: string) => sql.col(SettlementEntity, prop);
    const p = sql.params();
    const set = `${col('paymentId')} = ${this.paymentIdCase(sql, p, links)}, ${col('reconciled')} = ${p.add(sql.value(SettlementEntity, 'reconciled', false))}`;
    const ids = p.list(links.map((l) => l.settlement.id));
    await sql.run(`UPDATE ${sql.table(SettlementEntity)} SET ${set} WHERE ${col('id')} IN (${ids})`, p);
  }

  /**
   * Links settlements to their payments and marks them reconciled. The mark is one set-based
   * compare-and-set (reconciled = false → true) that reports the rows it changed, so only the first run
   * writes a payment's RECONCILE log row (one multi-row INSERT) and reruns or concurrent runs add nothing.
   */
  async markReconciled(em: EntityManager, links: ReadonlyArray<SettlementLink & { paymentId: string }>, now: Date, date: string): Promise<void> {
    if (links.length === 0) return;
    const sql = new BatchSql(em);
    const col = (prop: string) => sql.col(SettlementEntity, prop);
    const mark = (p: SqlParams) => `${col('reconciled')} = ${p.add(sql.value(SettlementEntity, 'reconciled', true))}`;
    const expect = (p: SqlParams) => `${col('reconciled')} = ${p.add(sql.value(SettlementEntity, 'reconciled', false))}`;
    // Rows stored already linked to this payment (new rows are inserted linked) need no per-row CASE.
    const linked = links.filter((l) => l.settlement.paymentId === l.paymentId);
    const relink = links.filter((l) => l.settlement.paymentId !== l.paymentId);
    const won = [
      ...(await sql.casUpdate(SettlementEntity, { ids: linked.map((l) => l.settlement.id), set: mark, expect, returning: ['id'] })),
      ...(await sql.casUpdate(SettlementEntity, {
        ids: relink.map((l) => l.settlement.id),
        set: (p) => `${col('paymentId')} = ${this.paymentIdCase(sql, p, relink)}, ${mark(p)}`,
        expect,
        returning: ['id'],
      })),
    ];
    const wonIds = new Set(won.map((r) => r.id as string));
    await sql.insertMany(
      PaymentLogEntity,
      links
        .filter((l) => wonIds.has(l.settlement.id))
        .map(({ settlement, paymentId }) => ({
          id: uuidv7(),
          paymentId,
          event: 'RECONCILE',
          payload: { date, settlement_id: settlement.id, amount: settlement.amount, fee: settlement.fee, net_amount: settlement.netAmount },
          createdAt: now,
        })),
    );
  }

  /** CASE id WHEN … THEN payment_id … END: a different payment per settlement in one UPDATE. */
  private paymentIdCase(sql: BatchSql, p: SqlParams, links: readonly SettlementLink[]): string {
    const whens = links.map((l) => `WHEN ${p.add(l.settlement.id)} THEN ${p.add(l.paymentId)}`).join(' ');
    return `CASE ${sql.col(SettlementEntity, 'id')} ${whens} END`;
  }

  private differs(stored: SettlementEntity, row: SettlementRow): boolean {
    return stored.amount !== row.amount || stored.fee !== row.fee || stored.netAmount !== row.netAmount || stored.fileId !== row.fileId;
  }

  private async update(id: string, row: SettlementRow): Promise<SettlementEntity> {
    // The provider corrected its figures: the match is redone from scratch.
    await this.db.transaction((em) =>
      em.update(SettlementEntity, { id }, { amount: row.amount, fee: row.fee, netAmount: row.netAmount, fileId: row.fileId, reconciled: false }),
    );
    return this.db.manager.findOneByOrFail(SettlementEntity, { id });
  }
}
