import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/time/clock';
import { Db } from '../database/db';
import { PaymentEntity } from '../database/entities/payment.entity';
import { WebhookEventEntity } from '../database/entities/webhook-event.entity';
import { isTransientDbError } from '../database/transient-error';
import { MetricsService } from '../metrics/metrics.service';
import { PaymentTransitionService } from '../payments/payment-transitions.service';
import { PaymentsRepository } from '../payments/payments.repository';
import { CallbackOutboxService } from '../callbacks/callback-outbox.service';
import { QRIS_PROVIDER, QrisProvider } from '../providers/qris-provider';
import { confirmsByStatusQuery } from '../providers/status-confirmation';
import { decideWebhook } from './webhook-decision';
import { WebhookNotification } from './webhook-notification';

const MAX_TRANSACTION_TRIES = 5;

/** Another transaction changed the payment between our read and our compare-and-set: decide again. */
class LostRace extends Error {}

/** null: another run had already claimed the event. */
type Outcome = { applied: boolean; paymentId: string | null; result: 'applied' | 'no_effect' | 'error' } | null;

/**
 * Applies one stored webhook event. Idempotent: the event is claimed by a compare-and-set on its own
 * status in the same transaction as the payment change, so any number of concurrent or repeated runs
 * apply it once.
 */
@Injectable()
export class WebhookProcessorService {
  private readonly logger = new Logger(WebhookProcessorService.name);

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly payments: PaymentsRepository,
    private readonly transitions: PaymentTransitionService,
    private readonly callbacks: CallbackOutboxService,
    @Inject(QRIS_PROVIDER) private readonly provider: QrisProvider,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async process(eventId: string): Promise<void> {
    const confirmed = await this.confirmWithProvider(eventId);
    for (let attempt = 1; ; attempt++) {
      let outcome: Outcome;
      try {
        outcome = await this.db.transaction((em) => this.processIn(em, eventId, confirmed));
      } catch (error) {
        if ((error instanceof LostRace || isTransientDbError(error)) && attempt < MAX_TRANSACTION_TRIES) continue;
        throw error;
      }
      if (outcome) this.metrics?.webhookEvents.inc({ outcome: outcome.result });
      if (outcome?.applied && outcome.paymentId) await this.callbacks.enqueueDue(outcome.paymentId);
      return;
    }
  }

  /**
   * For a provider whose notification signature does not cover the body (NICEPAY), what its status API
   * says replaces the notification's claims; asked outside the transaction. A failed query throws, so
   * the job is retried and the event stays PENDING (the dispatcher re-enqueues it) — never applied on
   * an unconfirmed claim.
   */
  private async confirmWithProvider(eventId: string): Promise<WebhookNotification | undefined> {
    if (!confirmsByStatusQuery(this.provider)) return undefined;
    const event = await this.db.manager.findOne(WebhookEventEntity, { where: { id: eventId } });
    const claimed = event?.notification as WebhookNotification | null | undefined;
    if (!event || event.status !== 'PENDING' || event.provider !== this.provider.name || !claimed || claimed.status === 'PENDING') return undefined;
    const remote = await this.provider.queryStatus!(claimed.trx_id);
    this.logger.log({ webhookEventId: eventId, claimed: claimed.status, confirmed: remote.status }, 'webhook status confirmed with the provider');
    return { ...claimed, status: remote.status, amount: remote.amount ?? claimed.amount, ref_no: remote.refNo ?? claimed.ref_no };
  }

  private async processIn(em: EntityManager, eventId: string, confirmed?: WebhookNotification): Promise<Outcome> {
    const now = this.clock.now();
    // Claim first: on MySQL/PostgreSQL a concurrent run of the same event waits on this row and then
    // finds it no longer PENDING; on SQLite transactions are serial anyway.
    const claim = await em
      .createQueryBuilder()
      .update(WebhookEventEntity)
      .set({ status: 'OK', processedAt: now, errorMessage: null })
      .where('id = :id', { id: eventId })
      .andWhere('status = :pending', { pending: 'PENDING' })
      .execute();
    if ((claim.affected ?? 0) !== 1) return null;

    const event = await em.findOneOrFail(WebhookEventEntity, { where: { id: eventId } });
    const notification = confirmed ?? (event.notification as WebhookNotification | null);
    if (!notification) return this.reject(em, event, null, 'the event has no notification to apply', now);

    const payment = await em.findOne(PaymentEntity, { where: { providerTrxId: notification.trx_id, provider: event.provider } });
    if (!payment) return this.reject(em, event, null, 'no payment has this provider_trx_id', now);

    const decision = decideWebhook(payment, notification);
    const context = { webhook_event_id: event.id, event_id: event.eventId, provider: event.provider, ...(confirmed ? { confirmed_by_status_query: true } : {}) };
    switch (decision.kind) {
      case 'reject':
        return this.reject(em, event, payment.id, decision.message, now);
      case 'no-effect':
        this.logger.log({ webhookEventId: event.id, paymentId: payment.id, reason: decision.reason }, 'webhook event has no effect');
        return { applied: false, paymentId: payment.id, result: 'no_effect' };
      case 'transition': {
        const won = await this.transitions.transition(em, {
          paymentId: payment.id,
          from: [decision.from],
          to: decision.to,
          patch:
            decision.to === 'PAID'
              ? { paidAt: now, providerRefNo: notification.ref_no ?? payment.providerRefNo }
              : {},
          event: decision.event,
          payload: { ...context, provider_ref_no: notification.ref_no },
          now,
        });
        if (!won) throw new LostRace();
        this.logger.log({ webhookEventId: event.id, paymentId: payment.id, to: decision.to, event: decision.event }, 'webhook applied');
        return { applied: true, paymentId: payment.id, result: 'applied' };
      }
    }
  }

  private async reject(em: EntityManager, event: WebhookEventEntity, paymentId: string | null, message: string, now: Date): Promise<Outcome> {
    await em.update(WebhookEventEntity, { id: event.id }, { status: 'ERROR', errorMessage: message.slice(0, 1024) });
    if (paymentId) {
      await this.payments.insertLog(em, paymentId, 'ERROR', { stage: 'webhook', webhook_event_id: event.id, event_id: event.eventId, reason: message }, now);
    }
    this.logger.warn({ webhookEventId: event.id, paymentId, reason: message }, 'webhook event rejected');
    return { applied: false, paymentId, result: 'error' };
  }
}
