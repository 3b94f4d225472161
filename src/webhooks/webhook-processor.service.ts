import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Clock } from '../common/time/clock';
import { Db } from '../database/db';
import { Row, Sql, SqlUnit, Statement } from '../database/sql';
import { PaymentStatus } from '../payments/payment-state';
import { PaymentEntity } from '../database/entities/payment.entity';
import { WebhookEventEntity } from '../database/entities/webhook-event.entity';
import { isTransientDbError } from '../database/transient-error';
import { MetricsService } from '../metrics/metrics.service';
import { PaymentTransitionService } from '../payments/payment-transitions.service';
import { PaymentsRepository } from '../payments/payments.repository';
import { CallbackFields } from '../callbacks/callback-intent';
import { CallbackOutboxService } from '../callbacks/callback-outbox.service';
import { QRIS_PROVIDER, QrisProvider } from '../providers/qris-provider';
import { confirmsByStatusQuery } from '../providers/status-confirmation';
import { PaymentFacts, decideWebhook } from './webhook-decision';
import { WebhookNotification } from './webhook-notification';

const MAX_TRANSACTION_TRIES = 5;

/** Another transaction changed the payment between our read and our compare-and-set: decide again. */
class LostRace extends Error {}

/** What a unit that lost its compare-and-set returns, having given its claim back. */
const LOST_RACE = Symbol('lost race');

/** null: another run had already claimed the event. */
type Outcome = {
  paymentId: string | null;
  result: 'applied' | 'no_effect' | 'error';
  to?: PaymentStatus;
  /** The merchant callback the change recorded, to queue once committed. */
  callbackDeliveryId?: string | null;
  log: () => void;
} | null;
type Decided = Outcome | typeof LOST_RACE;

const CLAIM_EVENT = "UPDATE webhook_events SET status = 'OK', processed_at = ?, error_message = NULL WHERE id = ? AND status = 'PENDING'";
const CLAIM_EVENT_AS_ERROR = "UPDATE webhook_events SET status = 'ERROR', processed_at = ?, error_message = ? WHERE id = ? AND status = 'PENDING'";
const UNCLAIM_EVENT = "UPDATE webhook_events SET status = 'PENDING', processed_at = NULL WHERE id = ? AND status = 'OK'";

/**
 * The payment columns processing uses: what the decision compares, what a PAID change keeps
 * (provider_ref_no) and what a callback is built from. Not the whole row: fetching and mapping its QR
 * payload, metadata and other dates was ~40 % of the event's read on SQLite.
 */
const PAYMENT_FIELDS = 'id, order_id, amount, status, provider_ref_no, paid_at, callback_url';

/** The event (its columns prefixed event_) and the payment its stored notification names, if any. */
function selectEventWithPayment(sql: Sql): string {
  const payment = PAYMENT_FIELDS.split(', ').map((column) => `p.${column}`).join(', ');
  return (
    `SELECT e.id AS event_row_id, e.provider AS event_provider, e.event_id AS event_event_id, e.status AS event_status, ` +
    `e.notification AS event_notification, ${payment} FROM webhook_events e ` +
    `LEFT JOIN payments p ON p.provider_trx_id = ${sql.jsonText('e.notification', 'trx_id')} AND p.provider = e.provider WHERE e.id = ?`
  );
}

/** PAYMENT_FIELDS of a row, as the entity's fields. */
function paymentFields(sql: Sql, row: Row): PaymentFacts & CallbackFields & Pick<PaymentEntity, 'providerRefNo'> {
  return {
    id: row.id,
    orderId: row.order_id,
    amount: sql.readMoney(row.amount),
    status: row.status,
    providerRefNo: row.provider_ref_no ?? null,
    paidAt: sql.readDate(row.paid_at),
    callbackUrl: row.callback_url ?? null,
  };
}

/**
 * Applies one stored webhook event. Idempotent: the event is claimed by a compare-and-set on its own
 * status in the same transaction as the payment change, so any number of concurrent or repeated runs
 * apply it once.
 */
@Injectable()
export class WebhookProcessorService {
  private readonly logger = new Logger(WebhookProcessorService.name);
  private selectEventWithPayment?: Statement;

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
      let outcome: Decided;
      try {
        outcome = await this.db.sql.transaction(() => this.processUnit(eventId, this.clock.now(), confirmed));
      } catch (error) {
        if (isTransientDbError(error) && attempt < MAX_TRANSACTION_TRIES) continue;
        throw error;
      }
      if (outcome === LOST_RACE) {
        if (attempt < MAX_TRANSACTION_TRIES) continue;
        throw new LostRace(`event ${eventId} lost its compare-and-set ${attempt} times`);
      }
      outcome?.log();
      if (outcome?.to) this.metrics?.paymentTransitions.inc({ to: outcome.to });
      if (outcome) this.metrics?.webhookEvents.inc({ outcome: outcome.result });
      // Queued right away rather than at the dispatcher's next poll; if this fails, the poll still will.
      if (outcome?.callbackDeliveryId) await this.callbacks.enqueueFirstAttempt(outcome.callbackDeliveryId);
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

  /**
   * The lookup, the claim and the change as one unit of the SQL layer (group-committed on SQLite and MySQL,
   * one pooled transaction on PostgreSQL). One read finds the event and the payment its notification names;
   * the decision taken from it is written with compare-and-sets: the event's claim (PENDING to OK or ERROR,
   * which a concurrent run of the same event waits for on MySQL/PostgreSQL and then loses) and the
   * payment's transition. A lost transition gives the claim back in the same unit, so the unit writes
   * nothing, and returns LOST_RACE: throwing instead would make a group commit undo and run again every
   * unit of its group (bench:instances, where the events of one payment arrive at two workers at once,
   * abandoned ~240 groups a run that way). Log lines are written by the caller after the commit.
   */
  private *processUnit(eventId: string, now: Date, confirmed?: WebhookNotification): SqlUnit<Decided> {
    const sql = this.db.sql;
    this.selectEventWithPayment ??= sql.stmt(selectEventWithPayment(sql), 'get');
    const row: Row | undefined = yield sql.op(this.selectEventWithPayment, [eventId]);
    if (!row || row.event_status !== 'PENDING') return null;
    const event = { id: row.event_row_id as string, eventId: row.event_event_id as string, provider: row.event_provider as string };
    const notification = confirmed ?? sql.readJson<WebhookNotification>(row.event_notification);
    if (!notification) return yield* this.rejectUnit(event, null, 'the event has no notification to apply', now);

    // The join found the payment by the stored notification's trx_id; a confirmed one names the same.
    const paymentRow: Row | undefined = row.id === null || row.id === undefined ? undefined : row;
    if (!paymentRow) return yield* this.rejectUnit(event, null, 'no payment has this provider_trx_id', now);
    const payment = paymentFields(sql, paymentRow);

    const decision = decideWebhook(payment, notification);
    const context = { webhook_event_id: event.id, event_id: event.eventId, provider: event.provider, ...(confirmed ? { confirmed_by_status_query: true } : {}) };
    switch (decision.kind) {
      case 'reject':
        return yield* this.rejectUnit(event, payment.id, decision.message, now);
      case 'no-effect': {
        const claimed: number = yield sql.op(sql.stmt(CLAIM_EVENT, 'run'), [sql.dateParam(now), eventId]);
        if (claimed !== 1) return null;
        return {
          paymentId: payment.id,
          result: 'no_effect',
          // Providers repeat notifications as a matter of course; the event row and the no_effect metric
          // record each one, so the line is for debugging, not a line per retry at info.
          log: () => this.logger.debug({ webhookEventId: event.id, paymentId: payment.id, reason: decision.reason }, 'webhook event has no effect'),
        };
      }
      case 'transition': {
        const claimed: number = yield sql.op(sql.stmt(CLAIM_EVENT, 'run'), [sql.dateParam(now), eventId]);
        if (claimed !== 1) return null;
        const { won, callbackDeliveryId } = yield* this.transitions.unitWithCallback({
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
          read: payment,
        });
        if (!won) {
          yield sql.op(sql.stmt(UNCLAIM_EVENT, 'run'), [eventId]);
          return LOST_RACE;
        }
        return {
          paymentId: payment.id,
          result: 'applied',
          to: decision.to,
          callbackDeliveryId,
          log: () => this.logger.log({ webhookEventId: event.id, paymentId: payment.id, to: decision.to, event: decision.event }, 'webhook applied'),
        };
      }
    }
  }

  private *rejectUnit(event: { id: string; eventId: string }, paymentId: string | null, message: string, now: Date): SqlUnit<Decided> {
    const sql = this.db.sql;
    const claimed: number = yield sql.op(sql.stmt(CLAIM_EVENT_AS_ERROR, 'run'), [sql.dateParam(now), message.slice(0, 1024), event.id]);
    if (claimed !== 1) return null;
    if (paymentId) {
      yield* this.payments.insertLogUnit(paymentId, 'ERROR', { stage: 'webhook', webhook_event_id: event.id, event_id: event.eventId, reason: message }, now);
    }
    return {
      paymentId,
      result: 'error',
      log: () => this.logger.warn({ webhookEventId: event.id, paymentId, reason: message }, 'webhook event rejected'),
    };
  }
}
