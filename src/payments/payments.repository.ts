import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { uuidv7 } from '../common/ids/uuid-v7';
import { Db } from '../database/db';
import { PaymentLogEntity } from '../database/entities/payment-log.entity';
import { PaymentEntity } from '../database/entities/payment.entity';
import { PaymentStatus } from './payment-state';

export type PaymentPatch = Partial<
  Pick<
    PaymentEntity,
    'qrisPayload' | 'providerTrxId' | 'providerRefNo' | 'expiresAt' | 'paidAt' | 'lockedBy' | 'lockedUntil'
  >
>;

/** The SQL for payments and their logs. Writes take the caller's transaction manager. */
@Injectable()
export class PaymentsRepository {
  constructor(private readonly db: Db) {}

  findById(id: string, em: EntityManager = this.db.manager): Promise<PaymentEntity | null> {
    return em.findOne(PaymentEntity, { where: { id } });
  }

  findByOrderId(orderId: string, em: EntityManager = this.db.manager): Promise<PaymentEntity | null> {
    return em.findOne(PaymentEntity, { where: { orderId } });
  }

  findByProviderTrxId(providerTrxId: string, em: EntityManager = this.db.manager): Promise<PaymentEntity | null> {
    return em.findOne(PaymentEntity, { where: { providerTrxId } });
  }

  async insert(em: EntityManager, payment: PaymentEntity): Promise<void> {
    await em.insert(PaymentEntity, payment);
  }

  async insertLog(em: EntityManager, paymentId: string, event: string, payload: Record<string, any> | null, now: Date) {
    await em.insert(PaymentLogEntity, { id: uuidv7(), paymentId, event, payload, createdAt: now });
  }

  logsOf(paymentId: string, em: EntityManager = this.db.manager): Promise<PaymentLogEntity[]> {
    return em.find(PaymentLogEntity, { where: { paymentId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Compare-and-set: applies the change only if the payment is still in one of `from` (and, when given,
   * still locked by `lockedBy`). Returns whether this call won. Works alike on SQLite, MySQL, PostgreSQL.
   */
  async compareAndSet(
    em: EntityManager,
    id: string,
    from: PaymentStatus[],
    change: PaymentPatch & { status?: PaymentStatus; updatedAt: Date },
    lockedBy?: string,
  ): Promise<boolean> {
    const query = em
      .createQueryBuilder()
      .update(PaymentEntity)
      .set(change)
      .where('id = :id', { id })
      .andWhere('status IN (:...from)', { from });
    if (lockedBy !== undefined) query.andWhere('locked_by = :lockedBy', { lockedBy });
    const result = await query.execute();
    return (result.affected ?? 0) === 1;
  }

  /**
   * Takes the right to call the provider for a CREATED payment: succeeds when nobody holds it or the
   * previous holder's lease ran out (a crashed process).
   */
  async claimCreated(em: EntityManager, id: string, lockedBy: string, now: Date, leaseMs: number): Promise<boolean> {
    const result = await em
      .createQueryBuilder()
      .update(PaymentEntity)
      .set({ lockedBy, lockedUntil: new Date(now.getTime() + leaseMs), updatedAt: now })
      .where('id = :id', { id })
      .andWhere('status = :status', { status: 'CREATED' })
      .andWhere('(locked_until IS NULL OR locked_until < :now)', { now })
      .execute();
    return (result.affected ?? 0) === 1;
  }
}
