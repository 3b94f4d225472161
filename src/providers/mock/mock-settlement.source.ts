import { In, LessThan, MoreThanOrEqual, And } from 'typeorm';
import { Db } from '../../database/db';
import { PaymentEntity } from '../../database/entities/payment.entity';
import { MockSettledCandidate, MockSettlementSource } from './mock.settlement';

const toCandidate = (p: PaymentEntity): MockSettledCandidate => ({
  orderId: p.orderId,
  providerTrxId: p.providerTrxId!,
  amount: p.amount,
  paidAt: p.paidAt,
  createdAt: p.createdAt,
});

/** The mock provider's ledger is our own payments table. */
export function paymentsSettlementSource(db: Db): MockSettlementSource {
  const select = { id: true, orderId: true, providerTrxId: true, amount: true, paidAt: true, createdAt: true } as const;
  return {
    async paidBetween(provider, from, to) {
      const rows = await db.manager.find(PaymentEntity, {
        select,
        where: { provider, status: 'PAID', paidAt: And(MoreThanOrEqual(from), LessThan(to)) },
      });
      return rows.filter((p) => p.providerTrxId).map(toCandidate);
    },
    async unpaidCreatedBetween(provider, from, to) {
      const rows = await db.manager.find(PaymentEntity, {
        select,
        where: { provider, status: In(['PENDING', 'EXPIRED']), createdAt: And(MoreThanOrEqual(from), LessThan(to)) },
      });
      return rows.filter((p) => p.providerTrxId).map(toCandidate);
    },
  };
}
