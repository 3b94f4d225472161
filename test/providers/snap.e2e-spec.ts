import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Db } from '../../src/database/db';
import { PaymentLogEntity } from '../../src/database/entities/payment-log.entity';
import { PaymentEntity } from '../../src/database/entities/payment.entity';
import { WebhookEventEntity } from '../../src/database/entities/webhook-event.entity';
import { FakeProviderServer } from '../../src/providers/testing/fake-provider-server';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  DOKU_PROFILE,
  MERCHANT_ID,
  NICEPAY_PROFILE,
  NOTIFY_TOKEN,
  TERMINAL_ID,
  TestKeys,
  dokuNotification,
  nicepayNotification,
  notifyBody,
  qrFor,
  rsaKeys,
} from '../../src/providers/snap/snap.testing';
import { SnapProfile } from '../../src/providers/snap/snap.profile';
import { WebhookRequest } from '../../src/providers/qris-provider';
import { RunningApp, TestClock, http, startApp } from '../support/app-harness';
import { waitFor } from '../support/callback-receiver';
import { TestDatabase, testDatabases } from '../support/databases';

const ourKeys = rsaKeys();
const nicepayKeys = rsaKeys();

function writeKeys(dir: string, keys: TestKeys, name: string): { privatePath: string; publicPath: string } {
  const privatePath = join(dir, `${name}.key.pem`);
  const publicPath = join(dir, `${name}.pub.pem`);
  writeFileSync(privatePath, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(publicPath, keys.publicKey.export({ type: 'spki', format: 'pem' }));
  return { privatePath, publicPath };
}

/** Boots the app with PROVIDER=<profile> against a fake SNAP host that issues tokens and QRs. */
function snapSuite(profile: SnapProfile, makeDatabase: () => Promise<TestDatabase>) {
  const ctx = {} as { database: TestDatabase; running: RunningApp; fake: FakeProviderServer; clock: TestClock; db: Db; dir: string; seq: number };

  beforeAll(async () => {
    ctx.seq = 0;
    ctx.database = await makeDatabase();
    ctx.dir = mkdtempSync(join(tmpdir(), 'snap-e2e-'));
    const ours = writeKeys(ctx.dir, ourKeys, 'ours');
    const theirs = writeKeys(ctx.dir, nicepayKeys, 'provider');
    ctx.fake = await new FakeProviderServer().start();
    ctx.fake.on('POST', profile.tokenPath, { body: { responseCode: '2007300', accessToken: 'e2e-access-token-777', tokenType: 'Bearer', expiresIn: '900' } });
    ctx.fake.on('POST', profile.generatePath, (request) => {
      const amount = Number(String(request.json.amount.value).split('.')[0]);
      const referenceNo = `A1E2E${String(++ctx.seq).padStart(6, '0')}`;
      return { body: { responseCode: '2004700', referenceNo, partnerReferenceNo: request.json.partnerReferenceNo, qrContent: qrFor(amount, referenceNo) } };
    });
    ctx.clock = new TestClock(new Date());
    ctx.running = await startApp(
      {
        DB_URL: ctx.database.url,
        PROVIDER: profile.name,
        PROVIDER_BASE_URL: ctx.fake.url,
        PROVIDER_API_KEY: CLIENT_SECRET,
        SNAP_CLIENT_ID: CLIENT_ID,
        SNAP_MERCHANT_ID: MERCHANT_ID,
        SNAP_TERMINAL_ID: TERMINAL_ID,
        SNAP_PRIVATE_KEY_PATH: ours.privatePath,
        SNAP_PROVIDER_PUBLIC_KEY_PATH: theirs.publicPath,
        SNAP_NOTIFY_TOKEN: NOTIFY_TOKEN,
        SNAP_NOTIFY_URL: 'https://pay.example.com/webhooks/qris',
        OUTBOX_DISPATCH_INTERVAL_SECONDS: '3600',
      },
      { clock: ctx.clock },
    );
    ctx.db = ctx.running.app.get(Db);
  });

  afterAll(async () => {
    await ctx.running?.close();
    await ctx.fake?.stop();
    await ctx.database?.drop();
    if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
  });

  const createPayment = async (amount: number) => {
    const res = await http(ctx.running.baseUrl, 'POST', '/payments', { order_id: `SNAP-${Date.now().toString(36)}-${ctx.seq}`, amount });
    expect(res.status).toBe(201);
    return res.body as { payment_id: string; order_id: string; provider_trx_id: string; amount: number; qr_string: string; status: string };
  };
  const send = (request: WebhookRequest) =>
    http(ctx.running.baseUrl, 'POST', '/webhooks/qris', request.rawBody.toString('utf8'), request.headers as Record<string, string>);
  const payment = (id: string) => ctx.db.manager.findOneByOrFail(PaymentEntity, { id });

  return { ctx, createPayment, send, payment };
}

describe.each(testDatabases())('SNAP providers end to end on %s', (_name, makeDatabase) => {
  describe('PROVIDER=doku', () => {
    const { ctx, createPayment, send, payment } = snapSuite(DOKU_PROFILE, makeDatabase);

    it('POST /payments returns 201 with the fake host qrContent, after a token and a signed generate', async () => {
      const p = await createPayment(25000);
      expect(p.status).toBe('PENDING');
      expect(p.provider_trx_id).toMatch(/^A1E2E\d{6}$/);
      expect(p.qr_string).toBe(qrFor(25000, p.provider_trx_id));
      const generate = ctx.fake.requestsTo('POST', DOKU_PROFILE.generatePath).find((r) => r.json.partnerReferenceNo === p.payment_id);
      expect(generate?.json.amount).toEqual({ value: '25000.00', currency: 'IDR' });
      expect(generate?.headers.authorization).toBe('Bearer e2e-access-token-777');
      expect(ctx.fake.requestsTo('POST', DOKU_PROFILE.tokenPath).length).toBeGreaterThanOrEqual(1);
    });

    it('a signed DOKU notification makes the payment PAID; a tampered one is refused with 401', async () => {
      const p = await createPayment(30000);
      const body = notifyBody({ originalReferenceNo: p.provider_trx_id, originalPartnerReferenceNo: p.payment_id, amount: { value: '30000.00', currency: 'IDR' } });

      const signed = dokuNotification(body, ctx.clock.now(), { externalId: '900000000003' });
      const tampered = await send({ ...signed, rawBody: Buffer.from(body.replace('30000.00', '3000.00')) });
      expect(tampered.status).toBe(401);
      expect(tampered.body.code).toBe('WEBHOOK_SIGNATURE_INVALID');
      expect(await ctx.db.manager.countBy(WebhookEventEntity, { provider: 'doku' })).toBe(0);

      const res = await send(signed);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true, duplicate: false });
      await waitFor(async () => (await payment(p.payment_id)).status === 'PAID', 'PAID');
      const paid = await payment(p.payment_id);
      expect(paid.providerRefNo).toBe('414210123456');
      const event = await ctx.db.manager.findOneByOrFail(WebhookEventEntity, { provider: 'doku', eventId: `900000000003:${new Date(ctx.clock.now().getTime() + 7 * 3600_000).toISOString().slice(0, 10)}` });
      expect(event.status).toBe('OK');
      // A redelivery (same X-EXTERNAL-ID, same day) is the same event.
      expect((await send(dokuNotification(body, ctx.clock.now(), { externalId: '900000000003' }))).body).toEqual({ received: true, duplicate: true });
    });
  });

  describe('PROVIDER=nicepay (notification confirmed with the status API before it is applied)', () => {
    const { ctx, createPayment, send, payment } = snapSuite(NICEPAY_PROFILE, makeDatabase);
    const queryAnswer = (status: string, amount: number) => ({
      body: { responseCode: '2005100', latestTransactionStatus: status, amount: { value: `${amount}.00`, currency: 'IDR' }, paidTime: '2025-10-26T11:40:00+07:00', additionalInfo: { rrn: 'RRN-FROM-QUERY' } },
    });
    let externalId = 800000000000;
    const notifyPaid = (p: { payment_id: string; provider_trx_id: string; amount: number }) =>
      send(
        nicepayNotification(notifyBody({ originalReferenceNo: p.provider_trx_id, originalPartnerReferenceNo: p.payment_id, amount: { value: `${p.amount}.00`, currency: 'IDR' } }), ctx.clock.now(), nicepayKeys.privateKey, {
          externalId: String(++externalId),
        }),
      );
    const eventOf = (id: number) => ctx.db.manager.findOneBy(WebhookEventEntity, { provider: 'nicepay', eventId: `${id}:${new Date(ctx.clock.now().getTime() + 7 * 3600_000).toISOString().slice(0, 10)}` });

    it('a notification claiming PAID is not applied while the status API says pending', async () => {
      const p = await createPayment(40000);
      ctx.fake.on('POST', NICEPAY_PROFILE.queryPath, queryAnswer('03', 40000));
      expect((await notifyPaid(p)).status).toBe(200);
      await waitFor(async () => (await eventOf(externalId))?.status === 'OK', 'event processed');
      expect((await payment(p.payment_id)).status).toBe('PENDING');
      const query = ctx.fake.requestsTo('POST', NICEPAY_PROFILE.queryPath).at(-1);
      expect(query?.json.originalReferenceNo).toBe(p.provider_trx_id);
    });

    it('a failed status query leaves the event PENDING for a retry, never applied on the claim', async () => {
      const p = await createPayment(45000);
      ctx.fake.on('POST', NICEPAY_PROFILE.queryPath, { status: 500, body: { responseCode: '5005100', responseMessage: 'General Error' } });
      const before = ctx.fake.requestsTo('POST', NICEPAY_PROFILE.queryPath).length;
      expect((await notifyPaid(p)).status).toBe(200);
      await waitFor(async () => ctx.fake.requestsTo('POST', NICEPAY_PROFILE.queryPath).length > before || null, 'status query');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await eventOf(externalId))?.status).toBe('PENDING');
      expect((await payment(p.payment_id)).status).toBe('PENDING');
    });

    it('applies PAID once the status API confirms it, with the reference the API gave', async () => {
      const p = await createPayment(50000);
      ctx.fake.on('POST', NICEPAY_PROFILE.queryPath, queryAnswer('00', 50000));
      expect((await notifyPaid(p)).status).toBe(200);
      await waitFor(async () => (await payment(p.payment_id)).status === 'PAID', 'PAID');
      expect((await payment(p.payment_id)).providerRefNo).toBe('RRN-FROM-QUERY');
      const log = await ctx.db.manager.findOneByOrFail(PaymentLogEntity, { paymentId: p.payment_id, event: 'WEBHOOK_SUCCESS' });
      expect(JSON.stringify(log)).toContain('confirmed_by_status_query');
    });
  });
});
