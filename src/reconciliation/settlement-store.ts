import { Injectable } from '@nestjs/common';
import { uuidv7 } from '../common/ids/uuid-v7';
import { Db } from '../database/db';
import { SettlementEntity } from '../database/entities/settlement.entity';
import { isUniqueViolation } from '../database/unique-violation';
import { PaymentsRepository } from '../payments/payments.repository';
import { SettlementRow } from '../providers/qris-provider';
import { EntityManager } from 'typeorm';

/** settlements rows: one per (provider_trx_id, settlement_date), safe against concurrent runs. */
@Injectable()
export class SettlementStore {
  constructor(
    private readonly db: Db,
    private readonly payments: PaymentsRepository,
  ) {}

  /** Inserts or updates each row; returns the stored rows keyed by provider_trx_id. */
  async upsert(provider: string, date: string, rows: SettlementRow[], now: Date): Promise<Map<string, SettlementEntity>> {
    const stored = new Map((await this.forDate(date)).map((s) => [s.providerTrxId, s]));
    for (const row of rows) {
      const existing = stored.get(row.providerTrxId);
      if (existing) {
        if (this.differs(existing, row)) stored.set(row.providerTrxId, await this.update(existing.id, row));
        continue;
      }
      const entity: SettlementEntity = {
        id: uuidv7(),
        provider,
        providerTrxId: row.providerTrxId,
        paymentId: null,
        amount: row.amount,
        fee: row.fee,
        netAmount: row.netAmount,
        settlementDate: date,
        fileId: row.fileId,
        reconciled: false,
        createdAt: now,
      };
      try {
        await this.db.transaction((em) => em.insert(SettlementEntity, entity));
        stored.set(row.providerTrxId, entity);
      } catch (error) {
        // A concurrent run inserted it first: take theirs and bring it up to date.
        if (!isUniqueViolation(error)) throw error;
        const theirs = await this.db.manager.findOneByOrFail(SettlementEntity, { providerTrxId: row.providerTrxId, settlementDate: date });
        stored.set(row.providerTrxId, this.differs(theirs, row) ? await this.update(theirs.id, row) : theirs);
      }
    }
    return stored;
  }

  forDate(date: string): Promise<SettlementEntity[]> {
    return this.db.manager.find(SettlementEntity, { where: { settlementDate: date } });
  }

  /**
   * Links a settlement to its payment. Marking it reconciled is a compare-and-set, so only the first run
   * writes the payment's RECONCILE log row and reruns add nothing.
   */
  async link(em: EntityManager, settlement: SettlementEntity, paymentId: string | null, reconciled: boolean, now: Date, date: string): Promise<void> {
    if (!reconciled || paymentId === null) {
      await em.update(SettlementEntity, { id: settlement.id }, { paymentId, reconciled: false });
      return;
    }
    const result = await em
      .createQueryBuilder()
      .update(SettlementEntity)
      .set({ paymentId, reconciled: true })
      .where('id = :id', { id: settlement.id })
      .andWhere('reconciled = :no', { no: false })
      .execute();
    if ((result.affected ?? 0) !== 1) return;
    await this.payments.insertLog(em, paymentId, 'RECONCILE', {
      date,
      settlement_id: settlement.id,
      amount: settlement.amount,
      fee: settlement.fee,
      net_amount: settlement.netAmount,
    }, now);
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
