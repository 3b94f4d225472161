import { Inject, Injectable, Logger } from '@nestjs/common';
import { Db } from '../database/db';
import { PaymentEntity } from '../database/entities/payment.entity';
import { LessThanOrEqual } from 'typeorm';
import { PaymentTransitionService } from '../payments/payment-transitions.service';
import { QRIS_PROVIDER, QrisProvider } from '../providers/qris-provider';
import { markPaidFromStatus, paidAsExpected, queryProviderStatus } from './provider-status';

export const EXPIRE_BATCH_SIZE = 500;

export interface ExpireSummary {
  expired: number;
  /** Paid at the last second: the provider's status API said so before we expired them. */
  paid: number;
  /** Another worker, a webhook or an instance changed them first (compare-and-set lost). */
  skipped: number;
  failed: number;
}

/**
 * PENDING payments past expires_at become EXPIRED (log EXPIRE; the transition writes the callback
 * intent). Where the provider has a status API it is asked first, so a payment paid in its last second
 * becomes PAID instead. Every change is a compare-and-set, so concurrent runs and a racing webhook
 * apply each payment's change exactly once.
 */
@Injectable()
export class ExpireService {
  private readonly logger = new Logger(ExpireService.name);

  constructor(
    private readonly db: Db,
    private readonly transitions: PaymentTransitionService,
    @Inject(QRIS_PROVIDER) private readonly provider: QrisProvider,
  ) {}

  async expireDue(now: Date, batchSize = EXPIRE_BATCH_SIZE): Promise<ExpireSummary> {
    const summary: ExpireSummary = { expired: 0, paid: 0, skipped: 0, failed: 0 };
    const failedIds = new Set<string>();
    for (;;) {
      const due = await this.db.manager.find(PaymentEntity, {
        where: { status: 'PENDING', expiresAt: LessThanOrEqual(now) },
        order: { expiresAt: 'ASC', id: 'ASC' },
        take: batchSize + failedIds.size,
      });
      const batch = due.filter((p) => !failedIds.has(p.id)).slice(0, batchSize);
      if (batch.length === 0) break;
      for (const payment of batch) {
        try {
          const outcome = await this.settle(payment, now);
          summary[outcome] += 1;
        } catch (error) {
          failedIds.add(payment.id);
          summary.failed += 1;
          this.logger.error({ msg: 'expiring a payment failed', paymentId: payment.id, error: (error as Error).message });
        }
      }
      if (batch.length < batchSize) break;
    }
    if (summary.expired + summary.paid + summary.failed > 0) this.logger.log({ msg: 'expire job', ...summary });
    return summary;
  }

  private async settle(payment: PaymentEntity, now: Date): Promise<'expired' | 'paid' | 'skipped'> {
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
