import { randomUUID } from 'node:crypto';
import { hmacSha256Hex } from '../../src/common/crypto/hmac';
import { http } from '../support/app-harness';
import { CallbackReceiver, waitFor } from '../support/callback-receiver';
import { ChildApp, spawnApp } from '../support/child-app';
import { TestDatabase, testDatabases } from '../support/databases';

const [, sqlite] = testDatabases()[0];
const MERCHANT_KEY = 'mk_live_9f8e7d6c5b4a39281706';
const WRONG_KEY = 'mk_live_wrong_0000000000000000';
const ADMIN_KEY = 'adm_live_1a2b3c4d5e6f7a8b9c0d';
const WEBHOOK_SECRET = 'whsec_live_0a9b8c7d6e5f4a3b2c1d';
const CALLBACK_KEY = 'cbk_live_5e4d3c2b1a0f9e8d7c6b';

describe('logs carry no secrets', () => {
  let database: TestDatabase;
  let app: ChildApp | undefined;
  let receiver: CallbackReceiver;

  beforeAll(async () => {
    database = await sqlite();
    receiver = await new CallbackReceiver().start();
  });
  afterAll(async () => {
    if (app && app.process.exitCode === null) app.process.kill('SIGKILL');
    await receiver?.stop();
    await database?.drop();
  });

  it('create, read, QR, admin, 401 and a signed webhook: JSON lines with request ids, no key, signature or QR payload', async () => {
    app = await spawnApp({
      DB_URL: database.url,
      LOG_LEVEL: 'debug',
      MERCHANT_API_KEYS: MERCHANT_KEY,
      ADMIN_API_KEY: ADMIN_KEY,
      PROVIDER_WEBHOOK_SECRET: WEBHOOK_SECRET,
      CALLBACK_SIGNING_KEY: CALLBACK_KEY,
      CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
    });
    const { baseUrl } = app;
    const auth = { authorization: `Bearer ${MERCHANT_KEY}` };
    const orderId = `LOG-${Date.now().toString(36)}`;
    const created = await http(baseUrl, 'POST', '/payments', { order_id: orderId, amount: 25000, callback_url: `${receiver.url}/cb` }, { ...auth, 'Idempotency-Key': randomUUID() });
    expect(created.status).toBe(201);
    const qr: string = created.body.qr_string;
    expect((await http(baseUrl, 'GET', `/payments/${created.body.payment_id}`, undefined, auth)).status).toBe(200);
    expect((await http(baseUrl, 'GET', `/payments/${created.body.payment_id}/qr.svg`, undefined, auth)).status).toBe(200);
    expect((await http(baseUrl, 'GET', `/payments/${created.body.payment_id}`, undefined, { authorization: `Bearer ${WRONG_KEY}` })).status).toBe(401);
    expect((await http(baseUrl, 'GET', '/admin/payments', undefined, { authorization: `Bearer ${ADMIN_KEY}` })).status).toBe(200);

    const body = JSON.stringify({ trx_id: created.body.provider_trx_id, order_id: orderId, amount: 25000, status: 'SUCCESS', ref_no: 'REF-LOG-1' });
    const signature = hmacSha256Hex(WEBHOOK_SECRET, body);
    const webhook = await http(baseUrl, 'POST', '/webhooks/qris', body, {
      'content-type': 'application/json',
      'x-signature': signature,
      'x-event-id': `evt_${randomUUID()}`,
      'x-timestamp': String(Math.floor(Date.now() / 1000)),
    });
    const badSignature = 'f'.repeat(64);
    expect(webhook.status).toBe(200);
    expect((await http(baseUrl, 'POST', '/webhooks/qris', body, { 'content-type': 'application/json', 'x-signature': badSignature, 'x-event-id': 'evt_bad', 'x-timestamp': String(Math.floor(Date.now() / 1000)) })).status).toBe(401);
    // The queue processes the webhook and sends the callback before the app stops, so their log lines are in too.
    await waitFor(async () => (await http(baseUrl, 'GET', `/payments/${created.body.payment_id}`, undefined, auth)).body.status === 'PAID', 'PAID');
    const [callback] = await waitFor(async () => (receiver.for(created.body.payment_id).length > 0 ? receiver.for(created.body.payment_id) : null), 'callback');
    const callbackSignatures = [String(callback.headers['x-callback-signature']), String(callback.headers['webhook-signature']).replace(/^v1,/, '')];
    for (const value of callbackSignatures) expect(value).toMatch(/^[0-9A-Za-z+/=]{40,}$/);

    app.process.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    const lines = app.stdout().split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [MERCHANT_KEY, WRONG_KEY, ADMIN_KEY, WEBHOOK_SECRET, CALLBACK_KEY, signature, badSignature, qr, ...callbackSignatures]) {
      const leaks = lines.filter((line) => line.includes(secret));
      expect({ secret: secret.slice(0, 6), leaks }).toEqual({ secret: secret.slice(0, 6), leaks: [] });
    }
    const requestLines = lines.map((line) => JSON.parse(line) as Record<string, any>).filter((entry) => entry.req);
    expect(requestLines.length).toBeGreaterThanOrEqual(6);
    for (const entry of requestLines) expect(entry.req.id).toEqual(expect.any(String));
    expect(requestLines.map((entry) => entry.req.url)).toEqual(expect.arrayContaining(['/payments', '/admin/payments', '/webhooks/qris']));
  });
});
