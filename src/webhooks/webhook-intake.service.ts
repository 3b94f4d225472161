import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { uuidv7 } from '../common/ids/uuid-v7';
import { Clock } from '../common/time/clock';
import { Db } from '../database/db';
import { WebhookEventEntity } from '../database/entities/webhook-event.entity';
import { isUniqueViolation } from '../database/unique-violation';
import { MetricsService } from '../metrics/metrics.service';
import { WebhookRejectedError } from '../providers/provider.errors';
import { QRIS_PROVIDER, QrisProvider, WebhookRequest } from '../providers/qris-provider';
import { WebhookJobs } from './webhook-jobs';
import { toNotification } from './webhook-notification';

const INSERT_EVENT =
  'INSERT INTO webhook_events (id, provider, event_id, payload, notification, received_at, processed_at, status, error_message) ' +
  'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';

const REJECTIONS = {
  signature: { status: 401, code: 'WEBHOOK_SIGNATURE_INVALID' },
  timestamp: { status: 401, code: 'WEBHOOK_TIMESTAMP_INVALID' },
  malformed: { status: 400, code: 'WEBHOOK_MALFORMED' },
} as const;

/**
 * Verifies a provider notification and stores it durably (webhook_events, PENDING) before the provider
 * gets its 200; processing happens from the queue. The unique (provider, event_id) makes a redelivered
 * event a no-op.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger(WebhookIntakeService.name);

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    @Inject(QRIS_PROVIDER) private readonly provider: QrisProvider,
    private readonly jobs: WebhookJobs,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async receive(rawBody: Buffer, headers: WebhookRequest['headers']): Promise<{ duplicate: boolean }> {
    const receivedAt = this.clock.now();
    let parsed;
    try {
      parsed = this.provider.parseWebhook({ rawBody, headers, receivedAt });
    } catch (error) {
      if (!(error instanceof WebhookRejectedError)) throw error;
      const { status, code } = REJECTIONS[error.reason];
      this.metrics?.webhookEvents.inc({ outcome: `rejected_${error.reason}` });
      this.logger.warn({ provider: this.provider.name, reason: error.reason, detail: error.message, bytes: rawBody.length }, 'webhook rejected');
      throw new AppError(status, code, `Webhook rejected: ${error.message}.`);
    }

    const event: WebhookEventEntity = {
      id: uuidv7(),
      provider: this.provider.name,
      eventId: parsed.eventId,
      payload: parsed.payload,
      notification: { ...toNotification(parsed) },
      receivedAt,
      processedAt: null,
      status: 'PENDING',
      errorMessage: null,
    };
    const id = event.id;
    const sql = this.db.sql;
    try {
      // One statement, atomic on its own (on SQLite still in the write queue).
      await sql.write(sql.stmt(INSERT_EVENT, 'run'), [
        event.id,
        event.provider,
        event.eventId,
        sql.jsonParam(event.payload),
        sql.jsonParam(event.notification),
        sql.dateParam(event.receivedAt),
        sql.dateParam(event.processedAt),
        event.status,
        event.errorMessage,
      ]);
    } catch (error) {
      if (isUniqueViolation(error)) {
        this.metrics?.webhookEvents.inc({ outcome: 'duplicate' });
        return { duplicate: true };
      }
      throw error;
    }

    this.metrics?.webhookEvents.inc({ outcome: 'accepted' });
    // Committed: the provider may now be told. Losing the job here (queue down) loses nothing, the
    // dispatcher re-enqueues PENDING events.
    try {
      await this.jobs.enqueue(id);
    } catch (error) {
      this.logger.warn({ webhookEventId: id, error: (error as Error).message }, 'could not enqueue webhook event; the dispatcher will');
    }
    return { duplicate: false };
  }
}
