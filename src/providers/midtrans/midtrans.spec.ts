import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderError } from '../provider.errors';
import { contractCreateInput, runProviderContract } from '../provider-contract';
import { WebhookRequest } from '../qris-provider';
import { FakeProviderServer } from '../testing/fake-provider-server';
import { expiryMinutes, mapMidtransStatus, midtransAmount, parseMidtransTime, toChargeRequest } from './midtrans.mapping';
import { MidtransProvider } from './midtrans.provider';
import { parseCsv, parseMidtransSettlementCsv } from './midtrans.settlement';

const KEY = 'SB-Mid-server-FAKE-CONTRACT-KEY';
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const json = (name: string) => JSON.parse(fixture(name));

function notification(name: string, now: Date, edit?: (body: Record<string, unknown>) => void, resignWith?: string): WebhookRequest {
  const body = json(name);
  edit?.(body);
  if (resignWith !== undefined) {
    body.signature_key = createHash('sha512').update(`${body.order_id}${body.status_code}${body.gross_amount}${resignWith}`).digest('hex');
  }
  return { rawBody: Buffer.from(JSON.stringify(body), 'utf8'), headers: { 'content-type': 'application/json' }, receivedAt: now };
}

const build = (baseUrl: string, extra: Partial<ConstructorParameters<typeof MidtransProvider>[0]> = {}) =>
  new MidtransProvider({ serverKey: KEY, baseUrl, acquirer: 'gopay', timeoutMs: 300, now: () => new Date('2025-10-26T04:45:00Z'), ...extra });

runProviderContract('midtrans', {
  build: (ctx) => build(ctx.baseUrl, { timeoutMs: ctx.timeoutMs, log: ctx.log }),
  http: {
    secrets: [KEY],
    createRoute: { method: 'POST', path: '/v2/charge' },
    stubCreate: (server) => {
      const answer = json('charge.ok.json');
      server.on('POST', '/v2/charge', { status: 200, body: answer });
      return { qrString: answer.qr_string, trxId: answer.transaction_id };
    },
    assertCreateRequest: (request, input) => {
      expect(request.path).toBe('/v2/charge');
      expect(request.headers.authorization).toBe(`Basic ${Buffer.from(`${KEY}:`).toString('base64')}`);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.json).toEqual({
        payment_type: 'qris',
        transaction_details: { order_id: input.paymentId, gross_amount: input.amount },
        qris: { acquirer: 'gopay' },
        custom_expiry: { expiry_duration: 15, unit: 'minute' },
      });
    },
    errorResponse: (status) =>
      status === 401 ? { status: 401, body: json('charge.error-401.json') } : { status, body: { status_code: String(status), status_message: 'fake error' } },
  },
  statuses: [
    { label: 'settlement', expected: 'PAID', request: (now) => notification('notify.settlement.json', now) },
    { label: 'pending', expected: 'PENDING', request: (now) => notification('notify.pending.json', now) },
    { label: 'expire', expected: 'EXPIRED', request: (now) => notification('notify.expire.json', now) },
    { label: 'deny', expected: 'FAILED', request: (now) => notification('notify.deny.json', now) },
    { label: 'cancel', expected: 'FAILED', request: (now) => notification('notify.cancel.json', now) },
    { label: 'refund', expected: 'REFUNDED', request: (now) => notification('notify.refund.json', now) },
    { label: 'partial_refund', expected: 'REFUNDED', request: (now) => notification('notify.partial_refund.json', now) },
  ],
  webhook: {
    signed: (now) => notification('notify.settlement.json', now),
    tampered: (now) => notification('notify.settlement.json', now, (b) => (b.gross_amount = '2750000.00')),
    wrongSecret: (now) => notification('notify.settlement.json', now, undefined, 'SB-Mid-server-ANOTHER-KEY'),
    missingSignature: (now) => notification('notify.settlement.json', now, (b) => delete b.signature_key),
    // No stale case: Midtrans notifications carry no timestamp (see midtrans.webhook.ts).
    unknownStatus: (now) => notification('notify.settlement.json', now, (b) => (b.transaction_status = 'settled_maybe')),
  },
});

describe('midtrans mapping', () => {
  it('builds the charge from our payment id, whole-rupiah amount and minutes to expiry', () => {
    expect(toChargeRequest(contractCreateInput(), 'gopay', new Date('2025-10-26T04:45:00Z'))).toEqual(json('charge.request.json'));
    expect(expiryMinutes(new Date('2025-10-26T05:00:00Z'), new Date('2025-10-26T04:45:30Z'))).toBe(15);
    expect(expiryMinutes(new Date('2025-10-26T04:00:00Z'), new Date('2025-10-26T04:45:00Z'))).toBe(1);
  });

  it('maps statuses, capture by fraud status, and anything unknown to PENDING', () => {
    expect(mapMidtransStatus('capture', 'accept')).toBe('PAID');
    expect(mapMidtransStatus('capture', 'challenge')).toBe('PENDING');
    expect(mapMidtransStatus('capture', 'deny')).toBe('FAILED');
    expect(mapMidtransStatus('failure')).toBe('FAILED');
    for (const unknown of ['', 'SETTLEMENT_X', 'toString', '__proto__', 'constructor', undefined, 42]) expect(mapMidtransStatus(unknown)).toBe('PENDING');
  });

  it('reads amounts exactly and Jakarta times', () => {
    expect(midtransAmount('275000.00')).toBe(275000);
    expect(midtransAmount('275000.50')).toBeNull();
    expect(midtransAmount(275000)).toBeNull();
    expect(parseMidtransTime('2025-10-26 12:00:00')?.toISOString()).toBe('2025-10-26T05:00:00.000Z');
    expect(parseMidtransTime('26/10/2025')).toBeNull();
  });
});

describe('midtrans webhook', () => {
  const now = new Date('2025-10-26T04:50:00Z');
  const provider = build('http://127.0.0.1:9');

  it('parses a settlement: trx id, exact amount, event id transaction_id:transaction_status, no order id', () => {
    const parsed = provider.parseWebhook(notification('notify.settlement.json', now));
    expect(parsed).toMatchObject({ eventId: '0b7a8f3e-5d1c-4f2a-9e6b-3c8d7a1f2e4b:settlement', trxId: '0b7a8f3e-5d1c-4f2a-9e6b-3c8d7a1f2e4b', orderId: null, amount: 275000, status: 'PAID' });
  });

  it('verifies over the strings as received (gross_amount "275000.00", not 275000)', () => {
    const edited = notification('notify.settlement.json', now, (b) => (b.gross_amount = '275000'));
    expect(() => provider.parseWebhook(edited)).toThrow(expect.objectContaining({ reason: 'signature' }));
  });

  it('refuses a signed pending body whose transaction_status was edited to settlement', () => {
    const edited = notification('notify.pending.json', now, (b) => (b.transaction_status = 'settlement'));
    expect(() => provider.parseWebhook(edited)).toThrow(expect.objectContaining({ reason: 'malformed' }));
  });

  it('accepts an uppercase signature and a server key only the verifier knows', () => {
    expect(provider.parseWebhook(notification('notify.pending.json', now, (b) => (b.signature_key = String(b.signature_key).toUpperCase()))).status).toBe('PENDING');
  });
});

describe('midtrans status and settlement', () => {
  let server: FakeProviderServer;
  beforeEach(async () => (server = await new FakeProviderServer().start()));
  afterEach(() => server.stop());

  it('queries GET /v2/{transaction_id}/status', async () => {
    server.on('GET', '/v2/0b7a8f3e-5d1c-4f2a-9e6b-3c8d7a1f2e4b/status', { body: json('status.settlement.json') });
    const status = await build(server.url).queryStatus('0b7a8f3e-5d1c-4f2a-9e6b-3c8d7a1f2e4b');
    expect(status).toEqual({ status: 'PAID', refNo: null, amount: 275000, paidAt: new Date('2025-10-26T04:47:12Z') });
    expect(server.requests[0].headers.authorization).toBe(`Basic ${Buffer.from(`${KEY}:`).toString('base64')}`);
  });

  it('reads an expired transaction (status_code 407) as EXPIRED, not an error', async () => {
    server.on('GET', /\/status$/, { body: { status_code: '407', transaction_status: 'expire', transaction_id: 'T', gross_amount: '1000.00' } });
    expect((await build(server.url).queryStatus('T')).status).toBe('EXPIRED');
  });

  it('maps a duplicate order_id (406 in an HTTP 200 body) to rejected', async () => {
    server.on('POST', '/v2/charge', { status: 200, body: json('charge.error-406.json') });
    await expect(build(server.url).createDynamicQR(contractCreateInput())).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('rejects a charge answer whose QR is not a valid dynamic QRIS for our amount', async () => {
    const answer = json('charge.ok.json');
    server.on('POST', '/v2/charge', { body: { ...answer, qr_string: answer.qr_string.slice(0, -1) + '0' } });
    await expect(build(server.url).createDynamicQR(contractCreateInput())).rejects.toMatchObject({ kind: 'rejected' });
    server.on('POST', '/v2/charge', { body: answer });
    await expect(build(server.url).createDynamicQR({ ...contractCreateInput(), amount: 1000 })).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('takes expiry_time (Jakarta) from the charge answer', async () => {
    server.on('POST', '/v2/charge', { body: json('charge.ok.json') });
    expect((await build(server.url).createDynamicQR(contractCreateInput())).expiresAt.toISOString()).toBe('2025-10-26T05:00:00.000Z');
  });

  it('reads the dashboard export for the day; a missing file is unavailable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'midtrans-settlement-'));
    try {
      writeFileSync(join(dir, '2025-10-26.csv'), fixture('settlement.2025-10-26.csv'));
      const provider = build(server.url, { settlementDir: dir });
      expect(await provider.fetchSettlement('2025-10-26')).toEqual([
        { providerTrxId: '0b7a8f3e-5d1c-4f2a-9e6b-3c8d7a1f2e4b', amount: 275000, fee: 1925, netAmount: 273075, settlementDate: '2025-10-26', fileId: 'midtrans-2025-10-26.csv' },
        { providerTrxId: '7c1d2e3f-0000-4000-8000-000000000002', amount: 1000000, fee: 7000, netAmount: 993000, settlementDate: '2025-10-26', fileId: 'midtrans-2025-10-26.csv' },
      ]);
      await expect(provider.fetchSettlement('2025-10-27')).rejects.toMatchObject({ kind: 'unavailable' });
      await expect(build(server.url).fetchSettlement('2025-10-26')).rejects.toBeInstanceOf(ProviderError);
      await expect(provider.fetchSettlement('../etc/passwd')).rejects.toMatchObject({ kind: 'invalid_request' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file with a fractional amount or without the required columns', () => {
    expect(() => parseMidtransSettlementCsv('Transaction ID,Gross Amount,Transaction Status\nT1,100.50,settlement\n', '2025-10-26', 'f')).toThrow(/whole rupiah/);
    expect(() => parseMidtransSettlementCsv('Order ID,Amount\nO1,100\n', '2025-10-26', 'f')).toThrow(/column/);
    expect(parseCsv('a,"b,""c"""\r\n1,2')).toEqual([['a', 'b,"c"'], ['1', '2']]);
  });
});
