import { Injectable, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { recordCallbackIntent } from '../callbacks/callback-intent';
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
}

/**
 * The single way a payment changes status: one compare-and-set, its log row and (for PAID, EXPIRED,
 * FAILED, REFUNDED with a callback_url) its callback intent, inside the caller's transaction. A losing
 * racer gets false and writes nothing, so duplicates are harmless no-ops.
 */
@Injectable()
export class PaymentTransitionService {
  constructor(
    private readonly payments: PaymentsRepository,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async transition(em: EntityManager, request: TransitionRequest): Promise<boolean> {
    const from = request.from.filter((status) => canTransition(status, request.to));
    if (from.length === 0) throw new Error(`no allowed transition from ${request.from.join('|')} to ${request.to}`);
    const won = await this.payments.compareAndSet(
      em,
      request.paymentId,
      from,
      { ...request.patch, status: request.to, updatedAt: request.now },
      request.lockedBy,
    );
    if (!won) return false;
    await this.payments.insertLog(em, request.paymentId, request.event, request.payload ?? null, request.now);
    // The outbox: the callback intent commits with the change (the dispatcher delivers it).
    if (CALLBACK_STATUSES.includes(request.to)) await recordCallbackIntent(em, request.paymentId, request.now);
    this.metrics?.paymentTransitions.inc({ to: request.to });
    return true;
  }
}
