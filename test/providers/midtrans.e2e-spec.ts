import { createHash, randomUUID } from 'node:crypto';
import { buildDynamicQris } from '../../src/qris/qris-codec';
import { FakeProviderServer } from '../../src/providers/testing/fake-provider-server';
import { RunningApp, http, startApp } from '../support/app-harness';
import { waitFor } from '../support/callback-receiver';
import { TestDatabase, testDatabases } from '../support/databases';

const SERVER_KEY = 'SB-Mid-server-E2E-FAKE-KEY-0123456789';

/** PROVIDER=midtrans against a local fake of the Core API (SQLite). */
describe('PROVIDER=midtrans end to end', () => {
  let database: TestDatabase;
  let fake: FakeProviderServer;
  let running: RunningApp;
  let lastAnswer: { transaction_id: string; qr_string: string } | null = null;

  beforeAll(async () => {
    database = await testDatabases()[0][1]();
    fake = await new FakeProviderServer().start();
    fake.on('POST', '/v2/charge', (req) => {
      const { order_id, gross_amount } = req.json.transaction_details;
      const trx = randomUUID();
      const qr = buildDynamicQris({
        merchantName: 'TOKO CONTOH', merchantCity: 'JAKARTA', postalCode: '10110', nmid: 'ID1020000000001', mcc: '5812', merchantCriteria: 'UMI',
        acquirer: { globalId: 'ID.CO.GOJEK.WWW', merchantPan: '9360091400000000001', merchantId: 'G490526303' },
        amount: gross_amount, referenceLabel: 'A1' + trx.slice(0, 8),
      });
      lastAnswer = { transaction_id: trx, qr_string: qr };
      return { status: 200, body: { status_code: '201', transaction_id: trx, order_id, gross_amount: `${gross_amount}.00`, transaction_status: 'pending', qr_string: qr, payment_type: 'qris' } };
    });
    running = await startApp({ DB_URL: database.url, PROVIDER: 'midtrans', PROVIDER_API_KEY: SERVER_KEY, PROVIDER_BASE_URL: fake.url });
  });

  afterAll(async () => {
    await running?.close();
    await fake?.stop();
    await database?.drop();
  });

  it('creates the QR at Midtrans and a signed settlement notification makes the payment PAID', async () => {
    const created = await http(running.baseUrl, 'POST', '/payments', { order_id: `MT-${Date.now()}`, amount: 150000 });
    expect(created.status).toBe(201);
    const charge = fake.requestsTo('POST', '/v2/charge');
    expect(charge).toHaveLength(1);
    expect(charge[0].headers.authorization).toBe(`Basic ${Buffer.from(`${SERVER_KEY}:`).toString('base64')}`);
    expect(charge[0].json.transaction_details).toEqual({ order_id: created.body.payment_id, gross_amount: 150000 });
    // Our QR is the fake's, passed through as-is; the transaction_id is our provider_trx_id.
    expect(created.body.provider_trx_id).toBe(lastAnswer!.transaction_id);
    expect(created.body.qr_string).toBe(lastAnswer!.qr_string);

    const statusCode = '200';
    const gross = '150000.00';
    const notification = {
      transaction_time: '2025-10-26 11:45:00',
      transaction_status: 'settlement',
      transaction_id: created.body.provider_trx_id,
      status_code: statusCode,
      signature_key: createHash('sha512').update(`${created.body.payment_id}${statusCode}${gross}${SERVER_KEY}`).digest('hex'),
      payment_type: 'qris',
      order_id: created.body.payment_id,
      gross_amount: gross,
      fraud_status: 'accept',
      currency: 'IDR',
      settlement_time: '2025-10-26 11:47:12',
    };
    const forged = await http(running.baseUrl, 'POST', '/webhooks/qris', JSON.stringify({ ...notification, signature_key: 'ab'.repeat(64) }), { 'content-type': 'application/json' });
    expect(forged.status).toBe(401);
    const res = await http(running.baseUrl, 'POST', '/webhooks/qris', JSON.stringify(notification), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);

    const paid = await waitFor(async () => {
      const got = await http(running.baseUrl, 'GET', `/payments/${created.body.payment_id}`);
      return got.body.status === 'PAID' ? got.body : null;
    }, 'payment PAID');
    expect(paid.status).toBe('PAID');
  });

  it('answers 502 and keeps the payment when Midtrans returns an invalid QR', async () => {
    fake.once('POST', '/v2/charge', { status: 200, body: { status_code: '201', transaction_id: randomUUID(), transaction_status: 'pending', qr_string: '000201INVALID' } });
    const created = await http(running.baseUrl, 'POST', '/payments', { order_id: `MT-BAD-${Date.now()}`, amount: 150000 });
    expect(created.status).toBe(502);
  });
});
