import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractCreateInput, runProviderContract } from '../provider-contract';
import { WebhookRequest } from '../qris-provider';
import { FakeProviderServer } from '../testing/fake-provider-server';
import { latestPaymentStatus, mapXenditStatus, toQrCodeRequest, toSettlementRow, transactionsQuery } from './xendit.mapping';
import { XenditProvider } from './xendit.provider';

const SECRET_KEY = 'xnd_development_FAKECONTRACTSECRETKEY0123456789';
const TOKEN = 'fake-callback-verification-token-0123456789';
const AUTH = `Basic ${Buffer.from(`${SECRET_KEY}:`).toString('base64')}`;
const json = (name: string) => JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8'));

function callback(name: string, now: Date, options: { token?: string | null; created?: string | null; edit?: (b: any) => void } = {}): WebhookRequest {
  const body = json(name);
  body.created = options.created === undefined ? new Date(now.getTime() - 2000).toISOString() : options.created;
  if (body.created === null) delete body.created;
  options.edit?.(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token !== null) headers['x-callback-token'] = options.token ?? TOKEN;
  return { rawBody: Buffer.from(JSON.stringify(body), 'utf8'), headers, receivedAt: now };
}

const build = (baseUrl: string, extra: Partial<ConstructorParameters<typeof XenditProvider>[0]> = {}) =>
  new XenditProvider({ secretKey: SECRET_KEY, callbackToken: TOKEN, baseUrl, timeoutMs: 300, toleranceSeconds: 300, ...extra });

runProviderContract('xendit', {
  build: (ctx) => build(ctx.baseUrl, { timeoutMs: ctx.timeoutMs, log: ctx.log }),
  http: {
    secrets: [SECRET_KEY, TOKEN],
    createRoute: { method: 'POST', path: '/qr_codes' },
    stubCreate: (server) => {
      const answer = json('qr_code.ok.json');
      server.on('POST', '/qr_codes', { status: 201, body: answer });
      return { qrString: answer.qr_string, trxId: answer.id };
    },
    assertCreateRequest: (request, input) => {
      expect(request.path).toBe('/qr_codes');
      expect(request.headers.authorization).toBe(AUTH);
      expect(request.headers['api-version']).toBe('2022-07-31');
      expect(request.json).toEqual({ reference_id: input.paymentId, type: 'DYNAMIC', currency: 'IDR', amount: input.amount, expires_at: input.expiresAt.toISOString() });
    },
    errorResponse: (status) =>
      status === 401 ? { status, body: json('error-401.json') } : status === 400 ? { status, body: json('error-400.json') } : { status, body: { error_code: 'SERVER_ERROR', message: 'fake' } },
  },
  statuses: [
    { label: 'SUCCEEDED', expected: 'PAID', request: (now) => callback('notify.succeeded.json', now) },
    { label: 'FAILED', expected: 'FAILED', request: (now) => callback('notify.failed.json', now) },
  ],
  webhook: {
    signed: (now) => callback('notify.succeeded.json', now),
    // Xendit does not sign the body; a tampered body is one sent without the right token.
    tampered: (now) => callback('notify.succeeded.json', now, { token: TOKEN.slice(0, -1) + 'X', edit: (b) => (b.data.amount = 2750000) }),
    wrongSecret: (now) => callback('notify.succeeded.json', now, { token: 'another-token' }),
    missingSignature: (now) => callback('notify.succeeded.json', now, { token: null }),
    stale: (now) => callback('notify.succeeded.json', now, { created: new Date(now.getTime() - 301_000).toISOString() }),
    unknownStatus: (now) => callback('notify.succeeded.json', now, { edit: (b) => (b.data.status = 'SUCCEEDED_SOON') }),
  },
});

describe('xendit mapping and callbacks', () => {
  const now = new Date('2025-10-26T04:47:15Z');
  const provider = build('http://127.0.0.1:9');

  it('builds the QR code request', () => {
    expect(toQrCodeRequest(contractCreateInput())).toEqual(json('qr_code.request.json'));
  });

  it('maps statuses; unknown is PENDING', () => {
    expect(['SUCCEEDED', 'FAILED', 'PENDING', 'ACTIVE', 'succeeded', undefined].map(mapXenditStatus)).toEqual(['PAID', 'FAILED', 'PENDING', 'PENDING', 'PENDING', 'PENDING']);
  });

  it('parses a payment: event id data.id, trx id data.qr_id, ref no receipt_id, exact amount', () => {
    expect(provider.parseWebhook(callback('notify.succeeded.json', now))).toMatchObject({
      eventId: 'qrpy_8182837e-fb1c-4d3f-9c2a-1d6c3b9e7a01',
      trxId: 'qr_5d1c9e6b-3c8d-4f2a-8a1f-2e4b0b7a8f3e',
      orderId: null,
      amount: 275000,
      status: 'PAID',
      refNo: '012345678901',
    });
  });

  it('accepts a callback without created (no timestamp to check) and one from the near future', () => {
    expect(provider.parseWebhook(callback('notify.succeeded.json', now, { created: null })).status).toBe('PAID');
    expect(provider.parseWebhook(callback('notify.succeeded.json', now, { created: new Date(now.getTime() + 60_000).toISOString() })).status).toBe('PAID');
  });

  it('refuses other events, fractional amounts and other currencies as malformed', () => {
    for (const edit of [(b: any) => (b.event = 'qr.refund'), (b: any) => (b.data.amount = 275000.5), (b: any) => (b.data.currency = 'USD'), (b: any) => delete b.data.qr_id]) {
      expect(() => provider.parseWebhook(callback('notify.succeeded.json', now, { edit }))).toThrow(expect.objectContaining({ reason: 'malformed' }));
    }
  });

  it('takes the latest payment as the QR status', () => {
    expect(latestPaymentStatus([])).toEqual({ status: 'PENDING', refNo: null, paidAt: null, amount: null });
    const paid = json('qr_payments.json').data[0];
    const failedEarlier = { ...paid, status: 'FAILED', created: '2025-10-26T04:46:00.000Z' };
    expect(latestPaymentStatus([failedEarlier, paid])).toEqual({ status: 'PAID', refNo: '012345678901', paidAt: new Date('2025-10-26T04:47:12Z'), amount: 275000 });
  });

  it('filters GET /transactions to the Jakarta day of successful QR payments', () => {
    const query = new URL(`http://x${transactionsQuery('2025-10-26', 'txn_9')}`).searchParams;
    expect(query.get('types')).toBe('PAYMENT');
    expect(query.get('channel_categories')).toBe('QR_CODE');
    expect(query.get('created[gte]')).toBe('2025-10-25T17:00:00.000Z');
    expect(query.get('created[lte]')).toBe('2025-10-26T16:59:59.999Z');
    expect(query.get('after_id')).toBe('txn_9');
    expect(toSettlementRow({ type: 'PAYMENT', status: 'SUCCESS', product_id: 'qr_1', amount: 100000, fee: { xendit_fee: 700, value_added_tax: 77 } }, '2025-10-26')).toMatchObject({ fee: 777, netAmount: 99223 });
  });
});

describe('xendit HTTP: status and settlement', () => {
  let server: FakeProviderServer;
  beforeEach(async () => (server = await new FakeProviderServer().start()));
  afterEach(() => server.stop());

  it('queries GET /qr_codes/{id}/payments', async () => {
    server.on('GET', '/qr_codes/qr_5d1c9e6b-3c8d-4f2a-8a1f-2e4b0b7a8f3e/payments', { body: json('qr_payments.json') });
    expect((await build(server.url).queryStatus('qr_5d1c9e6b-3c8d-4f2a-8a1f-2e4b0b7a8f3e')).status).toBe('PAID');
    expect(server.requests[0].headers.authorization).toBe(AUTH);
    expect(server.requests[0].headers['api-version']).toBe('2022-07-31');
  });

  it('pages GET /transactions with after_id and maps amount, fee and net', async () => {
    server.on('GET', '/transactions', (req) => ({ body: json(req.url.searchParams.get('after_id') === 'txn_0001' ? 'transactions.page2.json' : 'transactions.page1.json') }));
    const rows = await build(server.url).fetchSettlement('2025-10-26');
    expect(rows).toEqual([
      { providerTrxId: 'qr_5d1c9e6b-3c8d-4f2a-8a1f-2e4b0b7a8f3e', amount: 275000, fee: 2137, netAmount: 272863, settlementDate: '2025-10-26', fileId: 'xendit-transactions-2025-10-26', paidAt: new Date('2025-10-26T04:47:12Z') },
      { providerTrxId: 'qr_00000000-0000-4000-8000-000000000002', amount: 1000000, fee: 7770, netAmount: 992230, settlementDate: '2025-10-26', fileId: 'xendit-transactions-2025-10-26', paidAt: new Date('2025-10-26T04:47:12Z') },
    ]);
    expect(server.requests.map((r) => r.url.searchParams.get('after_id'))).toEqual([null, 'txn_0001']);
  });

  it('maps a 5xx during settlement to indeterminate', async () => {
    server.on('GET', '/transactions', { status: 503, body: {} });
    await expect(build(server.url).fetchSettlement('2025-10-26')).rejects.toMatchObject({ kind: 'indeterminate' });
  });

  it('rejects a QR that is not a valid dynamic QRIS for our amount', async () => {
    server.on('POST', '/qr_codes', { status: 201, body: { ...json('qr_code.ok.json'), qr_string: 'not-a-qr' } });
    await expect(build(server.url).createDynamicQR(contractCreateInput())).rejects.toMatchObject({ kind: 'rejected' });
  });
});
