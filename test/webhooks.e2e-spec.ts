import { createHmac, randomUUID } from 'node:crypto';
import { CallbackDeliveryService } from '../src/callbacks/callback-delivery.service';
import { sendCallback } from '../src/callbacks/callback-sender';
import { uuidv7 } from '../src/common/ids/uuid-v7';
import { Env } from '../src/config/env';
import { Db } from '../src/database/db';
import { CallbackDeliveryEntity } from '../src/database/entities/callback-delivery.entity';
import { PaymentLogEntity } from '../src/database/entities/payment-log.entity';
import { PaymentEntity } from '../src/database/entities/payment.entity';
import { WebhookEventEntity } from '../src/database/entities/webhook-event.entity';
import { OutboxDispatcher } from '../src/outbox/outbox-dispatcher.service';
import { PaymentsRepository } from '../src/payments/payments.repository';
import { WebhookProcessorService } from '../src/webhooks/webhook-processor.service';
import { MetricsService } from '../src/metrics/metrics.service';
import { RunningApp, TestClock, http, startApp } from './support/app-harness';
import { CallbackReceiver, waitFor } from './support/callback-receiver';
import { TestDatabase, testDatabases } from './support/databases';

const WEBHOOK_SECRET = 'test-webhook-secret';
const CALLBACK_KEY = 'test-callback-signing-key';
const ADMIN_KEY = 'test-admin-key-0123456789';

describe.each(testDatabases())('webhooks and callbacks on %s', (_name, makeDatabase) => {
  let database: TestDatabase;
  let running: RunningApp;
  let clock: TestClock;
  let db: Db;
  let receiver: CallbackReceiver;
  let seq = 0;

  beforeAll(async () => {
    database = await makeDatabase();
    receiver = await new CallbackReceiver().start();
    clock = new TestClock(new Date('2025-10-26T04:45:00Z'));
    running = await startApp(
      {
        ...database.appEnv,
        PROVIDER_WEBHOOK_SECRET: WEBHOOK_SECRET,
        CALLBACK_SIGNING_KEY: CALLBACK_KEY,
        CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
        ADMIN_API_KEY: ADMIN_KEY,
        // The tests drive the dispatcher by hand.
        OUTBOX_DISPATCH_INTERVAL_SECONDS: '3600',
      },
      { clock },
    );
    db = running.app.get(Db);
  });

  afterAll(async () => {
    await running?.close();
    await receiver?.stop();
    await database?.drop();
  });

  const createPayment = async (amount = 150000, callback = true) => {
    const res = await http(running.baseUrl, 'POST', '/payments', {
      order_id: `WH-${Date.now().toString(36)}-${++seq}`,
      amount,
      ...(callback ? { callback_url: `${receiver.url}/cb` } : {}),
    });
    expect(res.status).toBe(201);
    return res.body as { payment_id: string; order_id: string; provider_trx_id: string; amount: number };
  };

  const sign = (body: string, eventId: string, timestamp = Math.floor(clock.now().getTime() / 1000)) => ({
    'content-type': 'application/json',
    'x-signature': createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex'),
    'x-timestamp': String(timestamp),
    'x-event-id': eventId,
  });

  const notify = (fields: Record<string, unknown>, eventId = `evt-${randomUUID()}`) => {
    const body = JSON.stringify(fields);
    return http(running.baseUrl, 'POST', '/webhooks/qris', body, sign(body, eventId));
  };

  const success = (p: { provider_trx_id: string; order_id: string; amount: number }, extra: Record<string, unknown> = {}) => ({
    trx_id: p.provider_trx_id,
    order_id: p.order_id,
    amount: p.amount,
    status: 'SUCCESS',
    ref_no: 'REF-001',
    ...extra,
  });

  const payment = (id: string) => db.manager.findOneByOrFail(PaymentEntity, { id });
  const logs = (paymentId: string, event?: string) => db.manager.countBy(PaymentLogEntity, { paymentId, ...(event ? { event } : {}) });
  const deliveries = (paymentId: string) => db.manager.find(CallbackDeliveryEntity, { where: { paymentId }, order: { createdAt: 'ASC', id: 'ASC' } });
  const eventCount = () => db.manager.count(WebhookEventEntity);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  describe('rejections store nothing', () => {
    it('401 for a missing or wrong signature', async () => {
      const p = await createPayment();
      const before = await eventCount();
      const body = JSON.stringify(success(p));

      const missing = await http(running.baseUrl, 'POST', '/webhooks/qris', body, { 'x-timestamp': String(Math.floor(clock.now().getTime() / 1000)), 'x-event-id': 'e1' });
      expect(missing.status).toBe(401);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
      expect(missing.body.code).toBe('WEBHOOK_SIGNATURE_INVALID');

      const wrong = await http(running.baseUrl, 'POST', '/webhooks/qris', body, { ...sign(body, 'e2'), 'x-signature': 'ab'.repeat(32) });
      expect(wrong.status).toBe(401);

      // Signed with another secret; and a body changed after signing.
      const other = createHmac('sha256', 'other').update(body).digest('hex');
      expect((await http(running.baseUrl, 'POST', '/webhooks/qris', body, { ...sign(body, 'e3'), 'x-signature': other })).status).toBe(401);
      const tampered = body.replace(String(p.amount), '1');
      expect((await http(running.baseUrl, 'POST', '/webhooks/qris', tampered, sign(body, 'e4'))).status).toBe(401);

      expect(await eventCount()).toBe(before);
      expect((await payment(p.payment_id)).status).toBe('PENDING');
    });

    it('401 for a timestamp outside the tolerance', async () => {
      const p = await createPayment();
      const before = await eventCount();
      const body = JSON.stringify(success(p));
      const stale = Math.floor(clock.now().getTime() / 1000) - 301;
      const res = await http(running.baseUrl, 'POST', '/webhooks/qris', body, sign(body, 'e-stale', stale));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('WEBHOOK_TIMESTAMP_INVALID');
      expect(await eventCount()).toBe(before);
    });

    it('400 for a signed but malformed body', async () => {
      const before = await eventCount();
      for (const body of ['{"trx_id": ', '[]', JSON.stringify({ trx_id: 'T', amount: 10.5, status: 'SUCCESS' }), JSON.stringify({ trx_id: 'T', amount: 10, status: 'PAID?' })]) {
        const res = await http(running.baseUrl, 'POST', '/webhooks/qris', body, sign(body, `e-${randomUUID()}`));
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('WEBHOOK_MALFORMED');
      }
      expect(await eventCount()).toBe(before);
    });
  });

  describe('a verified success', () => {
    it('is stored, answered 200, makes the payment PAID, and the merchant gets one signed callback', async () => {
      const p = await createPayment();
      const eventId = `evt-${randomUUID()}`;
      const res = await notify(success(p), eventId);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true, duplicate: false });

      await waitFor(async () => (await payment(p.payment_id)).status === 'PAID', 'PAID');
      const paid = await payment(p.payment_id);
      expect(paid.paidAt?.toISOString()).toBe(clock.now().toISOString());
      expect(paid.providerRefNo).toBe('REF-001');
      expect(await logs(p.payment_id, 'WEBHOOK_SUCCESS')).toBe(1);
      const event = await db.manager.findOneByOrFail(WebhookEventEntity, { eventId });
      expect(event).toMatchObject({ status: 'OK', provider: 'mock', errorMessage: null, payload: success(p) });
      expect(event.processedAt).not.toBeNull();

      const [callback] = await waitFor(async () => (receiver.for(p.payment_id).length > 0 ? receiver.for(p.payment_id) : null), 'callback');
      expect(JSON.parse(callback.body)).toEqual({
        payment_id: p.payment_id,
        order_id: p.order_id,
        status: 'PAID',
        amount: 150000,
        paid_at: '2025-10-26T11:45:00+07:00',
      });
      const h = callback.headers;
      expect(h['content-type']).toBe('application/json');
      expect(h['user-agent']).toMatch(/qris-payment-orchestrator/);
      expect(h['x-callback-signature']).toBe(createHmac('sha256', CALLBACK_KEY).update(callback.body).digest('hex'));
      const signed = `${h['webhook-id']}.${h['webhook-timestamp']}.${callback.body}`;
      expect(h['webhook-signature']).toBe(`v1,${createHmac('sha256', CALLBACK_KEY).update(signed).digest('base64')}`);
      expect(h['webhook-timestamp']).toBe(String(Math.floor(clock.now().getTime() / 1000)));

      const [delivery] = await waitFor(async () => {
        const rows = await deliveries(p.payment_id);
        return rows[0]?.status === 'DELIVERED' ? rows : null;
      }, 'DELIVERED');
      expect(h['webhook-id']).toBe(delivery.id);
      expect(delivery).toMatchObject({ attempts: 1, lastStatusCode: 200, lastError: null, paymentStatus: 'PAID' });

      const metrics = await (await fetch(`${running.baseUrl}/metrics`)).text();
      for (const series of [
        'webhook_events_total{outcome="accepted"}',
        'webhook_events_total{outcome="applied"}',
        'callback_attempts_total{outcome="delivered"}',
        'job_duration_seconds_count{job="webhook-events"}',
        'job_duration_seconds_count{job="callbacks"}',
      ]) {
        expect(metrics).toMatch(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} [1-9]`, 'm'));
      }

      // The same event again: 200, and nothing at all happens.
      const again = await notify(success(p), eventId);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ received: true, duplicate: true });
      await running.app.get(OutboxDispatcher).dispatch(0);
      await settle();
      expect(await logs(p.payment_id, 'WEBHOOK_SUCCESS')).toBe(1);
      expect(await deliveries(p.payment_id)).toHaveLength(1);
      expect(receiver.for(p.payment_id)).toHaveLength(1);
    });

    it('50 concurrent copies of one event: one row, one transition, one log, one callback', async () => {
      const p = await createPayment();
      const eventId = `evt-${randomUUID()}`;
      const body = JSON.stringify(success(p));
      const headers = sign(body, eventId);
      const results = await Promise.all(Array.from({ length: 50 }, () => http(running.baseUrl, 'POST', '/webhooks/qris', body, headers)));
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
      await waitFor(async () => (await deliveries(p.payment_id))[0]?.status === 'DELIVERED', 'DELIVERED');
      expect(await db.manager.countBy(WebhookEventEntity, { eventId })).toBe(1);
      expect(await logs(p.payment_id, 'WEBHOOK_SUCCESS')).toBe(1);
      expect(await deliveries(p.payment_id)).toHaveLength(1);
      expect(receiver.for(p.payment_id)).toHaveLength(1);
    });

    /** A success event for the payment, stored PENDING as intake would, without queueing it. */
    const storeSuccessEvent = async (p: { provider_trx_id: string; order_id: string; amount: number }) => {
      const id = uuidv7();
      await db.transaction((em) =>
        em.insert(WebhookEventEntity, {
          id,
          provider: 'mock',
          eventId: `evt-${randomUUID()}`,
          payload: success(p),
          notification: { trx_id: p.provider_trx_id, order_id: p.order_id, amount: p.amount, status: 'PAID', ref_no: 'R' },
          receivedAt: clock.now(),
          processedAt: null,
          status: 'PENDING',
          errorMessage: null,
        } as WebhookEventEntity),
      );
      return id;
    };

    it('50 concurrent processings of one stored event apply it once', async () => {
      const p = await createPayment();
      const id = await storeSuccessEvent(p);
      const processor = running.app.get(WebhookProcessorService);
      await Promise.all(Array.from({ length: 50 }, () => processor.process(id)));
      expect((await payment(p.payment_id)).status).toBe('PAID');
      expect(await logs(p.payment_id, 'WEBHOOK_SUCCESS')).toBe(1);
      expect(await deliveries(p.payment_id)).toHaveLength(1);
      expect((await db.manager.findOneByOrFail(WebhookEventEntity, { id })).status).toBe('OK');
    });

    it('20 stored events for one payment processed at once: the losers of the compare-and-set give their claim back and decide again', async () => {
      const p = await createPayment();
      const ids = await Promise.all(Array.from({ length: 20 }, () => storeSuccessEvent(p)));
      const processor = running.app.get(WebhookProcessorService);
      const noEffect = async () => (await running.app.get(MetricsService).webhookEvents.get()).values.find((v) => v.labels.outcome === 'no_effect')?.value ?? 0;
      const before = await noEffect();
      // On MySQL these share group transactions, on PostgreSQL they race on the row; every one must settle.
      await Promise.all(ids.map((id) => processor.process(id)));
      // One applied; each of the others decided again once it saw PAID, rather than stay claimed undecided.
      expect((await noEffect()) - before).toBe(19);
      expect((await payment(p.payment_id)).status).toBe('PAID');
      expect(await logs(p.payment_id, 'WEBHOOK_SUCCESS')).toBe(1);
      expect(await deliveries(p.payment_id)).toHaveLength(1);
      const events = await db.manager.find(WebhookEventEntity, { where: ids.map((id) => ({ id })) });
      expect(events.map((e) => [e.status, e.processedAt !== null])).toEqual(Array(20).fill(['OK', true]));
    });

    it('50 distinct success events for one payment: one transition and one callback, every event OK', async () => {
      const p = await createPayment();
      const ids = Array.from({ length: 50 }, () => `evt-${randomUUID()}`);
      const results = await Promise.all(ids.map((eventId) => notify(success(p), eventId)));
      expect(results.every((r) => r.status === 200 && r.body.duplicate === false)).toBe(true);
      await waitFor(async () => {
        const events = await db.manager.find(WebhookEventEntity, { where: ids.map((eventId) => ({ eventId })) });
        return events.length === 50 && events.every((e) => e.status === 'OK');
      }, 'all events OK');
      await waitFor(async () => (await deliveries(p.payment_id))[0]?.status === 'DELIVERED', 'DELIVERED');
      expect(await logs(p.payment_id, 'WEBHOOK_SUCCESS')).toBe(1);
      expect(await deliveries(p.payment_id)).toHaveLength(1);
      expect(receiver.for(p.payment_id)).toHaveLength(1);
    });
  });

  describe('mismatches', () => {
    it('a different amount marks the event ERROR, logs ERROR and leaves the payment alone', async () => {
      const p = await createPayment();
      const eventId = `evt-${randomUUID()}`;
      expect((await notify(success(p, { amount: p.amount + 1 }), eventId)).status).toBe(200);
      const event = await waitFor(async () => {
        const e = await db.manager.findOneBy(WebhookEventEntity, { eventId });
        return e?.status === 'ERROR' ? e : null;
      }, 'ERROR');
      expect(event.errorMessage).toMatch(/amount/);
      expect(event.processedAt).not.toBeNull();
      const row = await payment(p.payment_id);
      expect(row.status).toBe('PENDING');
      expect(row.paidAt).toBeNull();
      expect(await logs(p.payment_id, 'ERROR')).toBe(1);
      expect(await deliveries(p.payment_id)).toHaveLength(0);
    });

    it('another order_id or an unknown trx_id is an ERROR event too', async () => {
      const p = await createPayment();
      const wrongOrder = `evt-${randomUUID()}`;
      const unknown = `evt-${randomUUID()}`;
      await notify(success(p, { order_id: 'SOMEONE-ELSE' }), wrongOrder);
      await notify(success(p, { trx_id: 'QRISUNKNOWN' }), unknown);
      for (const eventId of [wrongOrder, unknown]) {
        await waitFor(async () => (await db.manager.findOneBy(WebhookEventEntity, { eventId }))?.status === 'ERROR', `ERROR ${eventId}`);
      }
      expect((await payment(p.payment_id)).status).toBe('PENDING');
    });
  });

  it('EXPIRED then a late SUCCESS: PAID, logged LATE_PAYMENT, both reported to the merchant', async () => {
    const p = await createPayment();
    await notify({ ...success(p), status: 'EXPIRED' });
    await waitFor(async () => (await payment(p.payment_id)).status === 'EXPIRED', 'EXPIRED');
    await notify(success(p));
    await waitFor(async () => (await payment(p.payment_id)).status === 'PAID', 'PAID');
    expect(await logs(p.payment_id, 'LATE_PAYMENT')).toBe(1);
    expect(await logs(p.payment_id, 'WEBHOOK_SUCCESS')).toBe(0);
    const rows = await waitFor(async () => {
      const r = await deliveries(p.payment_id);
      return r.length === 2 && r.every((d) => d.status === 'DELIVERED') ? r : null;
    }, 'two deliveries');
    expect(rows.map((d) => d.paymentStatus).sort()).toEqual(['EXPIRED', 'PAID']);
  });

  it('a receiver answering 500 then 200: retried on schedule, delivered once, never again', async () => {
    const p = await createPayment();
    receiver.script.push(500);
    await notify(success(p));
    const first = await waitFor(async () => {
      const [d] = await deliveries(p.payment_id);
      return d?.attempts === 1 && d.lastStatusCode === 500 ? d : null;
    }, 'first attempt');
    expect(first.status).toBe('PENDING');
    expect(first.lastError).toBe('HTTP 500');
    expect(first.lastDurationMs).toEqual(expect.any(Number));
    expect(first.nextAttemptAt.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(5_000);
    expect(first.nextAttemptAt.getTime() - clock.now().getTime()).toBeLessThanOrEqual(5_500);

    const dispatcher = running.app.get(OutboxDispatcher);
    await dispatcher.dispatch(); // not due yet
    await settle();
    expect(receiver.for(p.payment_id)).toHaveLength(1);

    clock.advance(6_000);
    await dispatcher.dispatch();
    const delivered = await waitFor(async () => {
      const [d] = await deliveries(p.payment_id);
      return d?.status === 'DELIVERED' ? d : null;
    }, 'DELIVERED');
    expect(delivered).toMatchObject({ attempts: 2, lastStatusCode: 200, lastError: null });
    expect(receiver.for(p.payment_id)).toHaveLength(2);

    clock.advance(86_400_000);
    await dispatcher.dispatch();
    await running.app.get(CallbackDeliveryService).deliver(delivered.id, 3);
    await settle();
    expect(receiver.for(p.payment_id)).toHaveLength(2);
  });

  it('an attempt claimed but never finished (crash mid-send) is retried by the dispatcher once its lease runs out', async () => {
    const p = await createPayment();
    receiver.script.push(500);
    await notify(success(p));
    const [first] = await waitFor(async () => {
      const rows = await deliveries(p.payment_id);
      return rows[0]?.attempts === 1 && rows[0].lastStatusCode === 500 ? rows : null;
    }, 'first attempt');

    // Attempt 2 is claimed, then the worker dies before sending (the claim's next write never happens).
    clock.advance(6_000);
    const repository = running.app.get(PaymentsRepository);
    const crash = jest.spyOn(repository, 'findById').mockRejectedValueOnce(new Error('worker killed'));
    try {
      await expect(running.app.get(CallbackDeliveryService).deliver(first.id, 2)).rejects.toThrow('worker killed');
    } finally {
      crash.mockRestore();
    }
    const claimed = (await deliveries(p.payment_id))[0];
    expect(claimed).toMatchObject({ status: 'PENDING', attempts: 2, lastStatusCode: 500 });
    const lease = claimed.nextAttemptAt.getTime() - clock.now().getTime();
    expect(lease).toBeGreaterThan(running.app.get(Env).CALLBACK_TIMEOUT_MS);

    // While the lease runs, neither the dispatcher nor a redelivered job sends it again.
    const dispatcher = running.app.get(OutboxDispatcher);
    await dispatcher.dispatch();
    await running.app.get(CallbackDeliveryService).deliver(first.id, 2);
    await settle();
    expect(receiver.for(p.payment_id)).toHaveLength(1);

    // Once it has run out, the dispatcher hands the next attempt to the queue.
    clock.advance(lease + 1_000);
    expect((await dispatcher.dispatch()).callbacks).toBeGreaterThanOrEqual(1);
    const delivered = await waitFor(async () => {
      const [d] = await deliveries(p.payment_id);
      return d?.status === 'DELIVERED' ? d : null;
    }, 'DELIVERED');
    expect(delivered).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null });
    expect(receiver.for(p.payment_id)).toHaveLength(2);
  });

  describe('POST /admin/payments/:id/callback', () => {
    const resend = (id: string, key: string | null = ADMIN_KEY) =>
      http(running.baseUrl, 'POST', `/admin/payments/${id}/callback`, undefined, key ? { authorization: `Bearer ${key}` } : {});

    it('needs the admin key, 404s an unknown payment, 409s one with nothing to report', async () => {
      expect((await resend(randomUUID(), null)).status).toBe(401);
      expect((await resend(randomUUID())).status).toBe(404);
      expect((await resend('not-a-uuid')).status).toBe(400);
      const pending = await createPayment();
      const notYet = await resend(pending.payment_id);
      expect(notYet.status).toBe(409);
      expect(notYet.body.code).toBe('NOT_IN_CALLBACK_STATUS');
      const noUrl = await createPayment(1000, false);
      await notify(success(noUrl));
      await waitFor(async () => (await payment(noUrl.payment_id)).status === 'PAID', 'PAID');
      expect(await deliveries(noUrl.payment_id)).toHaveLength(0);
      const res = await resend(noUrl.payment_id);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('NO_CALLBACK_URL');
    });

    it('202 with a fresh delivery of the current status', async () => {
      const p = await createPayment();
      await notify(success(p));
      await waitFor(async () => (await deliveries(p.payment_id))[0]?.status === 'DELIVERED', 'first delivery');
      const res = await resend(p.payment_id);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ delivery_id: expect.any(String), status: 'PENDING' });
      await waitFor(async () => (await db.manager.findOneBy(CallbackDeliveryEntity, { id: res.body.delivery_id }))?.status === 'DELIVERED', 'resent');
      const bodies = receiver.for(p.payment_id).map((r) => r.body);
      expect(bodies).toHaveLength(2);
      expect(bodies[1]).toBe(bodies[0]);
      expect(await logs(p.payment_id, 'CALLBACK_RESEND')).toBe(1);
    });

    it('refuses a private destination at connect time when private networks are not allowed', async () => {
      const p = await createPayment();
      const env = running.app.get(Env);
      await notify(success(p));
      await waitFor(async () => (await deliveries(p.payment_id))[0]?.status === 'DELIVERED', 'first delivery');
      env.CALLBACK_ALLOW_PRIVATE_NETWORKS = false;
      try {
        const res = await resend(p.payment_id);
        // An attempt is claimed (attempts = 1) before it is sent and its outcome written afterwards:
        // wait for the outcome, not the claim.
        const refused = await waitFor(async () => {
          const d = await db.manager.findOneBy(CallbackDeliveryEntity, { id: res.body.delivery_id });
          return d?.attempts === 1 && d.lastError !== null ? d : null;
        }, 'refused attempt');
        expect(refused.lastError).toMatch(/refused/);
        expect(refused.lastStatusCode).toBeNull();
        expect(receiver.for(p.payment_id)).toHaveLength(1);
      } finally {
        env.CALLBACK_ALLOW_PRIVATE_NETWORKS = true;
      }
    });
  });
});

describe('callback sender SSRF guard', () => {
  let receiver: CallbackReceiver;
  beforeAll(async () => (receiver = await new CallbackReceiver().start()));
  afterAll(() => receiver.stop());

  const port = () => new URL(receiver.url).port;
  const send = (url: string, allowPrivateNetworks = false) =>
    sendCallback(url, '{}', { 'Content-Type': 'application/json' }, { timeoutMs: 2000, allowPrivateNetworks });

  it.each([
    ['127.0.0.1', () => `http://127.0.0.1:${port()}/cb`],
    ['[::1]', () => `http://[::1]:${port()}/cb`],
    ['169.254.169.254', () => 'http://169.254.169.254/latest/meta-data/'],
    ['10.0.0.1', () => 'http://10.0.0.1/cb'],
    ['::ffff:127.0.0.1', () => `http://[::ffff:127.0.0.1]:${port()}/cb`],
    ['localhost (a name resolving to loopback)', () => `http://localhost:${port()}/cb`],
  ])('refuses %s before sending anything', async (_case, url) => {
    const result = await send(url());
    expect(result.delivered).toBe(false);
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/^refused/);
    expect(receiver.received).toHaveLength(0);
  });

  it('sends when private networks are allowed, and treats a redirect as a failure', async () => {
    expect((await send(`${receiver.url}/cb`, true)).delivered).toBe(true);
    receiver.script.push(302);
    const redirected = await send(`${receiver.url}/cb`, true);
    expect(redirected).toMatchObject({ delivered: false, statusCode: 302 });
  });
});
