import { Inject, Injectable, Logger } from '@nestjs/common';
import { LessThanOrEqual, MoreThan } from 'typeorm';
import { Env } from '../config/env';
import { Db } from '../database/db';
import { PaymentEntity } from '../database/entities/payment.entity';
import { PaymentTransitionService } from '../payments/payment-transitions.service';
import { QRIS_PROVIDER, QrisProvider } from '../providers/qris-provider';
import { markPaidFromStatus, paidAsExpected, queryProviderStatus, statusQueryPayload } from './provider-status';

export const JANITOR_BATCH_SIZE = 200;

export interface JanitorSummary {
  checked: number;
  paid: number;
  failed: number;
  /** The provider has no status API: nothing to ask. */
  unsupported: boolean;
}

/**
 * Heals lost webhooks: PENDING payments older than JANITOR_AFTER_MINUTES and not yet due for expiry are
 * checked with the provider's status API; PAID or FAILED there is applied here through the same
 * compare-and-set transitions. Expired ones are the expire job's (it asks the provider too).
 */
@Injectable()
export class JanitorService {
  private readonly logger = new Logger(JanitorService.name);

  constructor(
    private readonly db: Db,
    private readonly env: Env,
    private readonly transitions: PaymentTransitionService,
    @Inject(QRIS_PROVIDER) private readonly provider: QrisProvider,
  ) {}

  async sweep(now: Date, batchSize = JANITOR_BATCH_SIZE): Promise<JanitorSummary> {
    const summary: JanitorSummary = { checked: 0, paid: 0, failed: 0, unsupported: !this.provider.queryStatus };
    if (summary.unsupported) return summary;
    const olderThan = new Date(now.getTime() - this.env.JANITOR_AFTER_MINUTES * 60_000);
    let cursor: { createdAt: Date; id: string } | null = null;
    for (;;) {
      const query = this.db.manager
        .createQueryBuilder(PaymentEntity, 'p')
        .where('p.status = :status', { status: 'PENDING' })
        .andWhere('p.provider = :provider', { provider: this.provider.name })
        .andWhere('p.created_at <= :olderThan', { olderThan })
        .andWhere('p.expires_at > :now', { now })
        .orderBy('p.created_at', 'ASC')
        .addOrderBy('p.id', 'ASC')
        .take(batchSize);
      if (cursor) query.andWhere('(p.created_at > :c OR (p.created_at = :c AND p.id > :cid))', { c: cursor.createdAt, cid: cursor.id });
      const batch = await query.getMany();
      for (const payment of batch) {
        summary.checked += 1;
        const outcome = await this.heal(payment, now);
        if (outcome) summary[outcome] += 1;
      }
      if (batch.length < batchSize) break;
      const last = batch[batch.length - 1];
      cursor = { createdAt: last.createdAt, id: last.id };
    }
    if (summary.paid + summary.failed > 0) this.logger.log({ msg: 'janitor healed payments', ...summary });
    return summary;
  }

  private async heal(payment: PaymentEntity, now: Date): Promise<'paid' | 'failed' | null> {
    const remote = await queryProviderStatus(this.provider, payment, this.logger);
    if (paidAsExpected(remote, payment)) {
      return (await markPaidFromStatus(this.db, this.transitions, payment, remote, now, 'janitor')) ? 'paid' : null;
    }
    if (remote?.status === 'FAILED') {
      const won = await this.db.transaction((em) =>
        this.transitions.transition(em, {
          paymentId: payment.id,
          from: ['PENDING'],
          to: 'FAILED',
          event: 'STATUS_QUERY_FAILED',
          payload: statusQueryPayload(remote, 'janitor'),
          now,
        }),
      );
      return won ? 'failed' : null;
    }
    return null;
  }
}
