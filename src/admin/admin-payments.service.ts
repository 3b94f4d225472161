import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { Db } from '../database/db';
import { PaymentLogEntity } from '../database/entities/payment-log.entity';
import { PaymentEntity } from '../database/entities/payment.entity';
import { ADMIN_PAYMENT_COLUMNS, AdminPaymentRow } from './admin-payment.presenter';
import { AdminPaymentFilter, PageCursor } from './admin-payments.query';

/** Rows per query while exporting: large enough to be quick, small enough to keep memory flat. */
export const EXPORT_BATCH_SIZE = 1000;

/** Admin reads of payments: keyset pages newest first (created_at DESC, id DESC), never OFFSET. */
@Injectable()
export class AdminPaymentsService {
  constructor(private readonly db: Db) {}

  /** One page, and the cursor of the next one when more rows match. */
  async page(filter: AdminPaymentFilter, limit: number, after?: PageCursor): Promise<{ rows: AdminPaymentRow[]; next?: PageCursor }> {
    const rows = await this.batch(filter, limit + 1, after);
    if (rows.length <= limit) return { rows };
    const page = rows.slice(0, limit);
    return { rows: page, next: cursorOf(page[page.length - 1]) };
  }

  /** Every matching row, one keyset query per batch, pulled only as fast as the consumer reads. */
  async *all(filter: AdminPaymentFilter, batchSize = EXPORT_BATCH_SIZE): AsyncGenerator<AdminPaymentRow[]> {
    let after: PageCursor | undefined;
    for (;;) {
      const rows = await this.batch(filter, batchSize, after);
      if (rows.length > 0) yield rows;
      if (rows.length < batchSize) return;
      after = cursorOf(rows[rows.length - 1]);
    }
  }

  async logs(paymentId: string): Promise<PaymentLogEntity[]> {
    const exists = await this.db.manager.exists(PaymentEntity, { where: { id: paymentId } });
    if (!exists) throw AppError.notFound('PAYMENT_NOT_FOUND', `No payment with id ${paymentId}.`);
    return this.db.manager.find(PaymentLogEntity, { where: { paymentId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  private batch(filter: AdminPaymentFilter, limit: number, after?: PageCursor): Promise<AdminPaymentRow[]> {
    const query = this.db.manager
      .createQueryBuilder(PaymentEntity, 'p')
      .select(ADMIN_PAYMENT_COLUMNS.map((column) => `p.${column}`))
      .orderBy('p.created_at', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .limit(limit);
    if (filter.status) query.andWhere('p.status = :status', { status: filter.status });
    if (filter.from) query.andWhere('p.created_at >= :from', { from: filter.from });
    if (filter.before) query.andWhere('p.created_at < :before', { before: filter.before });
    // Two equality tests, each served by its own index (uq_payments_order_id, ix_payments_provider_trx_id).
    if (filter.q) query.andWhere('(p.order_id = :q OR p.provider_trx_id = :q)', { q: filter.q });
    if (after) {
      // The leading `<=` gives every planner a range on ix_payments_created_at; written as a bare OR,
      // SQLite picks a multi-index OR plus a full sort, seconds per page at a million rows.
      query.andWhere('p.created_at <= :afterAt AND (p.created_at < :afterAt OR p.id < :afterId)', {
        afterAt: after.createdAt,
        afterId: after.id,
      });
    }
    return query.getMany();
  }
}

function cursorOf(row: AdminPaymentRow): PageCursor {
  return { createdAt: row.createdAt, id: row.id };
}
