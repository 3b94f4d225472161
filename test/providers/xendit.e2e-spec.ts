import { randomUUID } from 'node:crypto';
import { buildDynamicQris } from '../../src/qris/qris-codec';
import { FakeProviderServer } from '../../src/providers/testing/fake-provider-server';
import { RunningApp, TestClock, http, startApp } from '../support/app-harness';
import { waitFor } from '../support/callback-receiver';
import { TestDatabase, testDatabases } from '../support/databases';

const SECRET_KEY = 'xnd_development_E2EFAKESECRETKEY0123456789';
const CALLBACK_TOKEN = 'e2e-fake-xendit-callback-token-0123456789';

/** PROVIDER=xendit against a local fake of the QR Codes API (SQLite). */
describe('PROVIDER=xendit end to end', () => {
  let database: TestDatabase;
  let fake: FakeProviderServer;
  let running: RunningApp;
  let clock: TestClock;
  let lastAnswer: { id: string; qr_string: string } | null = null;

  beforeAll(async () => {
    database = await testDatabases()[0][1]();
    fake = await new FakeProviderServer().start();
    fake.on('POST', '/qr_codes', (req) => {
      const id = `qr_${randomUUID()}`;
      const qr = buildDynamicQris({
        merchantName: 'TOKO CONTOH', merchantCity: 'JAKARTA', postalCode: '10110', nmid: 'ID1020000000001', mcc: '5812', merchantCriteria: 'UMI',
        acquirer: { globalId: 'ID.CO.XENDIT.WWW', merchantPan: '9360081400000000001', merchantId: 'XND000000012345' },
        amount: req.json.amount, referenceLabel: id.slice(0, 25),
      });
      lastAnswer = { id, qr_string: qr };
      return { status: 201, body: { id, reference_id: req.json.reference_id, type: 'DYNAMIC', currency: 'IDR', amount: req.json.amount, expires_at: req.json.expires_at, qr_string: qr, status: 'ACTIVE' } };
    });
    clock = new TestClock(new Date());
    running = await startApp(
      { DB_URL: database.url, PROVIDER: 'xendit', PROVIDER_API_KEY: SECRET_KEY, PROVIDER_WEBHOOK_SECRET: CALLBACK_TOKEN, PROVIDER_BASE_URL: fake.url },
      { clock },
    );
  });

  afterAll(async () => {
    await running?.close();
    await fake?.stop();
    await database?.drop();
  });

  it('creates the QR at Xendit and a qr.payment callback with the token makes the payment PAID', async () => {
    const created = await http(running.baseUrl, 'POST', '/payments', { order_id: `XD-${Date.now()}`, amount: 150000 });
    expect(created.status).toBe(201);
    const sent = fake.requestsTo('POST', '/qr_codes');
    expect(sent).toHaveLength(1);
    expect(sent[0].headers.authorization).toBe(`Basic ${Buffer.from(`${SECRET_KEY}:`).toString('base64')}`);
    expect(sent[0].headers['api-version']).toBe('2022-07-31');
    expect(sent[0].json).toMatchObject({ reference_id: created.body.payment_id, type: 'DYNAMIC', currency: 'IDR', amount: 150000 });
    expect(created.body.provider_trx_id).toBe(lastAnswer!.id);
    expect(created.body.qr_string).toBe(lastAnswer!.qr_string);

    const callback = JSON.stringify({
      event: 'qr.payment',
      api_version: '2022-07-31',
      business_id: '5f27a14a9bf05c73dd040bc8',
      created: clock.now().toISOString(),
      data: {
        id: `qrpy_${randomUUID()}`,
        qr_id: created.body.provider_trx_id,
        reference_id: created.body.payment_id,
        amount: 150000,
        currency: 'IDR',
        status: 'SUCCEEDED',
        channel_code: 'ID_DANA',
        created: clock.now().toISOString(),
        payment_detail: { receipt_id: '012345678901', source: 'DANA' },
      },
    });
    const wrong = await http(running.baseUrl, 'POST', '/webhooks/qris', callback, { 'content-type': 'application/json', 'x-callback-token': 'not-the-token' });
    expect(wrong.status).toBe(401);
    const res = await http(running.baseUrl, 'POST', '/webhooks/qris', callback, { 'content-type': 'application/json', 'x-callback-token': CALLBACK_TOKEN });
    expect(res.status).toBe(200);

    const paid = await waitFor(async () => {
      const got = await http(running.baseUrl, 'GET', `/payments/${created.body.payment_id}`);
      return got.body.status === 'PAID' ? got.body : null;
    }, 'payment PAID');
    expect(paid.provider_ref_no).toBe('012345678901');
  });
});
