import { Injectable, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CallbackFields, callbackIntentUnit } from '../callbacks/callback-intent';
import { Db } from '../database/db';
import { SqlUnit } from '../database/sql';
import { MetricsService } from '../metrics/metrics.service';
import { PaymentPatch, PaymentsRepository } from './payments.repository';
import { CALLBACK_STATUSES, PaymentStatus, canTransition } from './payment-state';

export interface TransitionRequest {
  paymentId: string;
  /** The statuses this change expects the payment to be in now. */
  from: PaymentStatus[];
  to: PaymentStatus;
  patch?: PaymentPatch;
  /** The payment_logs row written with the change. */
  event: string;
  payload?: Record<string, unknown> | null;
  now: Date;
  /** Only when the caller holds the payment's provider-call lock. */
  lockedBy?: string;
  /**
   * The payment as the caller read it in this transaction, if it did: the callback intent is then built
   * from it and the change instead of reading the row again (what a callback carries besides the change,
   * its order_id, amount and callback_url, never changes).
   */
  read?: CallbackFields;
}

/**
 * The single way a payment changes status: one compare-and-set, its log row and (for PAID, EXPIRED,
 * FAILED, REFUNDED with a callback_url) its callback intent, inside one transaction. A losing racer gets
 * false and writes nothing, so duplicates are harmless no-ops.
 */
@Injectable()
export class PaymentTransitionService {
  constructor(
    private readonly db: Db,
    private readonly payments: PaymentsRepository,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  /** Inside the caller's transaction (jobs, reconciliation, webhooks). */
  async transition(em: EntityManager, request: TransitionRequest): Promise<boolean> {
    const won = await this.db.sql.within(em, () => this.unit(request));
    if (won) this.metrics?.paymentTransitions.inc({ to: request.to });
    return won;
  }

  /** In a transaction of its own (on SQLite, synchronous on the handle): the hot paths. */
  async transitionNow(request: TransitionRequest): Promise<boolean> {
    const won = await this.db.sql.transaction(() => this.unit(request));
    if (won) this.metrics?.paymentTransitions.inc({ to: request.to });
    return won;
  }

  /** The statements of a transition, for composing into a larger unit. */
  *unit(request: TransitionRequest): SqlUnit<boolean> {
    return (yield* this.unitWithCallback(request)).won;
  }

  /**
   * The same, also yielding the id of the callback delivery it recorded (null when the payment has no
   * callback_url or merchants are not told about this status), so the caller can queue that one
   * delivery after the commit without looking for it.
   */
  *unitWithCallback(request: TransitionRequest): SqlUnit<{ won: boolean; callbackDeliveryId: string | null }> {
    const from = request.from.filter((status) => canTransition(status, request.to));
    if (from.length === 0) throw new Error(`no allowed transition from ${request.from.join('|')} to ${request.to}`);
    const won: boolean = yield* this.payments.compareAndSetUnit(
      request.paymentId,
      from,
      { ...request.patch, status: request.to, updatedAt: request.now },
      request.lockedBy,
    );
    if (!won) return { won: false, callbackDeliveryId: null };
    yield* this.payments.insertLogUnit(request.paymentId, request.event, request.payload ?? null, request.now);
    // The outbox: the callback intent commits with the change (the dispatcher delivers it).
    if (!CALLBACK_STATUSES.includes(request.to)) return { won: true, callbackDeliveryId: null };
    const changed = request.read && { ...request.read, ...request.patch, status: request.to, updatedAt: request.now };
    const callbackDeliveryId: string | null = yield* callbackIntentUnit(this.db.sql, request.paymentId, request.now, changed);
    return { won: true, callbackDeliveryId };
  }
}
