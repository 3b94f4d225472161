import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CallbackOutboxService } from '../callbacks/callback-outbox.service';
import { Env } from '../config/env';
import { WebhookEventsOutboxService } from '../webhooks/webhook-events-outbox.service';
import { WorkerRole } from '../queue/worker-role';

/** A PENDING event younger than this is most likely still in the queue it was just put on. */
const WEBHOOK_EVENT_GRACE_MS = 5_000;

/**
 * Hands the queue whatever the database says is owed: webhook events still PENDING and callback
 * deliveries that are due. Runs in worker processes at boot (everything, whatever its age: this is the
 * crash recovery) and then every OUTBOX_DISPATCH_INTERVAL_SECONDS. Deterministic job ids make a
 * re-dispatch of work already queued a no-op, so several workers may run it at once.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly env: Env,
    private readonly workerRole: WorkerRole,
    private readonly webhookEvents: WebhookEventsOutboxService,
    private readonly callbacks: CallbackOutboxService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.workerRole.enabled) return;
    void this.tick(0);
    this.timer = setInterval(() => void this.tick(WEBHOOK_EVENT_GRACE_MS), this.env.OUTBOX_DISPATCH_INTERVAL_SECONDS * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; exposed so tests (and a CLI) can run it without waiting for the interval. */
  async dispatch(webhookEventMinAgeMs = WEBHOOK_EVENT_GRACE_MS): Promise<{ webhookEvents: number; callbacks: number }> {
    const webhookEvents = await this.webhookEvents.enqueuePending(webhookEventMinAgeMs);
    const callbacks = await this.callbacks.enqueueDue();
    return { webhookEvents, callbacks };
  }

  private async tick(minAgeMs: number): Promise<void> {
    if (this.running) return; // a slow pass is not stacked
    this.running = this.dispatch(minAgeMs)
      .then((counts) => {
        if (counts.webhookEvents + counts.callbacks > 0) this.logger.log(counts, 'outbox dispatched');
      })
      .catch((error: Error) => this.logger.warn({ error: error.message }, 'outbox dispatch failed; next tick retries'))
      .finally(() => (this.running = undefined));
    await this.running;
  }
}
