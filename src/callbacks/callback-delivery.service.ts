import { Injectable, Logger, Optional } from '@nestjs/common';
import { Clock } from '../common/time/clock';
import { Env } from '../config/env';
import { Db } from '../database/db';
import { CallbackDeliveryEntity } from '../database/entities/callback-delivery.entity';
import { MetricsService } from '../metrics/metrics.service';
import { PaymentsRepository } from '../payments/payments.repository';
import { nextRetryDelayMs } from './callback-schedule';
import { sendCallback } from './callback-sender';
import { callbackSignatureHeaders } from './callback-signature';

/** Beyond the request timeout: how long a claimed attempt is protected from a second sender. */
const LEASE_MARGIN_MS = 30_000;

export const CALLBACK_USER_AGENT = 'qris-payment-orchestrator-callbacks/1';

/**
 * Makes one delivery attempt. The attempt is claimed first (attempts and next_attempt_at move by a
 * compare-and-set), so a job that runs twice, or two workers, never send the same attempt twice; a
 * crash mid-send leaves the lease to run out and the dispatcher retries.
 */
@Injectable()
export class CallbackDeliveryService {
  private readonly logger = new Logger(CallbackDeliveryService.name);

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly env: Env,
    private readonly payments: PaymentsRepository,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async deliver(deliveryId: string, attempt: number): Promise<void> {
    const now = this.clock.now();
    const claimed = await this.db.transaction(async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(CallbackDeliveryEntity)
        .set({ attempts: attempt, nextAttemptAt: new Date(now.getTime() + this.env.CALLBACK_TIMEOUT_MS + LEASE_MARGIN_MS), updatedAt: now })
        .where('id = :id', { id: deliveryId })
        .andWhere('status = :status', { status: 'PENDING' })
        .andWhere('attempts = :previous', { previous: attempt - 1 })
        .andWhere('next_attempt_at <= :now', { now })
        .execute();
      return (result.affected ?? 0) === 1;
    });
    if (!claimed) return;

    const delivery = await this.db.manager.findOneByOrFail(CallbackDeliveryEntity, { id: deliveryId });
    const payment = await this.payments.findById(delivery.paymentId);
    if (!payment?.callbackUrl) {
      await this.record(deliveryId, attempt, { delivered: false, statusCode: null, error: 'the payment has no callback_url', durationMs: 0 }, true);
      return;
    }
    const headers = {
      ...callbackSignatureHeaders(this.env.CALLBACK_SIGNING_KEY, delivery.id, Math.floor(this.clock.now().getTime() / 1000), delivery.body),
      'Content-Type': 'application/json',
      'User-Agent': CALLBACK_USER_AGENT,
    };
    const result = await sendCallback(payment.callbackUrl, delivery.body, headers, {
      timeoutMs: this.env.CALLBACK_TIMEOUT_MS,
      allowPrivateNetworks: this.env.CALLBACK_ALLOW_PRIVATE_NETWORKS,
    });
    const outcome = await this.record(deliveryId, attempt, result, false);
    this.metrics?.callbackAttempts.inc({ outcome: outcome === 'DELIVERED' ? 'delivered' : outcome === 'FAILED' ? 'failed' : 'retry' });
    this.logger.log(
      { deliveryId, paymentId: delivery.paymentId, attempt, statusCode: result.statusCode, durationMs: result.durationMs, outcome, error: result.error },
      'callback attempt',
    );
  }

  private async record(
    deliveryId: string,
    attempt: number,
    result: { delivered: boolean; statusCode: number | null; error: string | null; durationMs: number },
    final: boolean,
  ): Promise<string> {
    const now = this.clock.now();
    const delay = result.delivered || final ? null : nextRetryDelayMs(attempt);
    const status = result.delivered ? 'DELIVERED' : delay === null ? 'FAILED' : 'PENDING';
    await this.db.transaction((em) =>
      em
        .createQueryBuilder()
        .update(CallbackDeliveryEntity)
        .set({
          status,
          nextAttemptAt: delay === null ? now : new Date(now.getTime() + delay),
          lastStatusCode: result.statusCode,
          lastError: result.error?.slice(0, 512) ?? null,
          lastDurationMs: result.durationMs,
          deliveredAt: result.delivered ? now : null,
          updatedAt: now,
        })
        .where('id = :id', { id: deliveryId })
        .andWhere('attempts = :attempt', { attempt })
        .andWhere('status = :pending', { pending: 'PENDING' })
        .execute(),
    );
    return status;
  }
}
