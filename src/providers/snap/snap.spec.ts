import { createHmac, createVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderError, WebhookRejectedError } from '../provider.errors';
import { WebhookRequest } from '../qris-provider';
import { confirmsByStatusQuery } from '../status-confirmation';
import { FakeProviderServer } from '../testing/fake-provider-server';
import { classify } from './snap.client';
import { fromSnapAmount, mapSnapStatus, parseResponseCode, toSnapAmount } from './snap.mapping';
import { parseSettlementCsv } from './snap.settlement';
import { minifyJson, snapBodyHash, snapTimestamp, tokenSignature, transactionSignature, verifyTokenSignature } from './snap-signature';
import {
  ACCESS_TOKEN,
  CLIENT_ID,
  CLIENT_SECRET,
  DOKU_PROFILE,
  MERCHANT_ID,
  NICEPAY_PROFILE,
  NOTIFY_TOKEN,
  TERMINAL_ID,
  buildTestProvider,
  dokuNotification,
  nicepayNotification,
  notifyBody,
  qrFor,
  rsaKeys,
  stubSnapHost,
} from './snap.testing';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const NOW = new Date('2025-10-26T04:45:00Z');
const ourKeys = rsaKeys();
const nicepayKeys = rsaKeys();

function rejectionOf(fn: () => unknown): WebhookRejectedError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookRejectedError) return error;
    throw error;
  }
  throw new Error('expected a WebhookRejectedError');
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

describe('SNAP signatures', () => {
  const vectorBody =
    '{"partnerReferenceNo":"ORD-8F3K2Q","amount":{"value":"25000.00","currency":"IDR"},"merchantId":"CTH000000012345","terminalId":"KASIR01","validityPeriod":"2024-05-21T10:15:00+07:00"}';

  it('reproduces the providers.md test vector (body hash and HMAC-SHA512 signature)', () => {
    expect(snapBodyHash(vectorBody)).toBe('ecf19a6bc2b5eb996cdf2910ca67625a39fe069ea9ebfb1ef75c08d6b2a04a6b');
    const signature = transactionSignature('FAKE_CLIENT_SECRET', {
      method: 'post',
      relativePath: '/v1.0/qr/qr-mpm-generate',
      accessToken: 'FAKE_ACCESS_TOKEN',
      body: vectorBody,
      timestamp: '2024-05-21T10:00:00+07:00',
    });
    expect(signature).toBe('YNCr2/hecA8Rhcp5bmg4m1dHyaGvyxhLpm+lNwFA2dvxS50kSYAYh9XoVsNlKlYdnF9FyCF+51XYO/3ePB+b7g==');
  });

  it('hashes the minified body, so whitespace in a received body does not change the signature', () => {
    const pretty = JSON.stringify(JSON.parse(vectorBody), null, 2);
    expect(minifyJson(pretty)).toBe(vectorBody);
    expect(snapBodyHash(Buffer.from(pretty))).toBe(snapBodyHash(vectorBody));
  });

  it('formats X-TIMESTAMP as Jakarta wall time with +07:00 and no milliseconds', () => {
    expect(snapTimestamp(new Date('2024-05-21T03:00:00.987Z'))).toBe('2024-05-21T10:00:00+07:00');
    expect(snapTimestamp(new Date('2024-05-21T20:30:05Z'))).toBe('2024-05-22T03:30:05+07:00');
  });

  it('signs the token request with SHA256withRSA over clientId|timestamp', () => {
    const signature = tokenSignature(ourKeys.privateKey, CLIENT_ID, '2024-05-21T10:00:00+07:00');
    expect(createVerify('RSA-SHA256').update(`${CLIENT_ID}|2024-05-21T10:00:00+07:00`).verify(ourKeys.publicKey, signature, 'base64')).toBe(true);
    expect(verifyTokenSignature(ourKeys.publicKey, CLIENT_ID, '2024-05-21T10:00:00+07:00', signature)).toBe(true);
    expect(verifyTokenSignature(ourKeys.publicKey, CLIENT_ID, '2024-05-21T10:00:01+07:00', signature)).toBe(false);
    expect(verifyTokenSignature(nicepayKeys.publicKey, CLIENT_ID, '2024-05-21T10:00:00+07:00', signature)).toBe(false);
    expect(verifyTokenSignature(ourKeys.publicKey, CLIENT_ID, '2024-05-21T10:00:00+07:00', 'not base64 at all')).toBe(false);
  });
});

describe('SNAP mapping', () => {
  it.each([
    ['00', 'PAID'],
    ['01', 'PENDING'],
    ['02', 'PENDING'],
    ['03', 'PENDING'],
    ['04', 'REFUNDED'],
    ['05', 'FAILED'],
    ['06', 'FAILED'],
    ['07', 'PENDING'],
    ['99', 'PENDING'],
    ['', 'PENDING'],
    ['toString', 'PENDING'],
    [0, 'PENDING'],
    [undefined, 'PENDING'],
  ])('latestTransactionStatus %p → %s', (code, expected) => {
    expect(mapSnapStatus(code)).toBe(expected);
  });

  it('writes amounts with two decimals from whole rupiah and reads them back exactly', () => {
    expect(toSnapAmount(10000)).toEqual({ value: '10000.00', currency: 'IDR' });
    expect(toSnapAmount(10_000_000)).toEqual({ value: '10000000.00', currency: 'IDR' });
    expect(() => toSnapAmount(10.5)).toThrow(RangeError);
    expect(fromSnapAmount({ value: '10000.00', currency: 'IDR' })).toBe(10000);
    expect(fromSnapAmount({ value: '9999999.00', currency: 'IDR' })).toBe(9999999);
    expect(fromSnapAmount({ value: '10000.50', currency: 'IDR' })).toBeNull();
    expect(fromSnapAmount({ value: '10000.00', currency: 'USD' })).toBeNull();
    expect(fromSnapAmount({ value: '1e4', currency: 'IDR' })).toBeNull();
    expect(fromSnapAmount({ value: 10000.5, currency: 'IDR' })).toBeNull();
    expect(fromSnapAmount('10000.00')).toBeNull();
  });

  it('splits a responseCode into HTTP status, service and case', () => {
    expect(parseResponseCode('2004700')).toEqual({ httpStatus: 200, serviceCode: '47', caseCode: '00' });
    expect(parseResponseCode('4017300')).toEqual({ httpStatus: 401, serviceCode: '73', caseCode: '00' });
    expect(parseResponseCode('200470')).toBeNull();
  });

  it.each([
    [200, '2004700', '47', null],
    [200, '2005100', '51', null],
    [200, '2005100', '47', 'indeterminate'],
    [202, '2024700', '47', 'indeterminate'],
    [200, null, '47', 'indeterminate'],
    [401, '4014700', '47', 'auth'],
    [200, '4017300', '73', 'auth'],
    [400, '4004701', '47', 'invalid_request'],
    [409, '4094701', '47', 'rejected'],
    [404, '4045101', '51', 'rejected'],
    [429, '4294700', '47', 'unavailable'],
    [500, '5004700', '47', 'indeterminate'],
    [504, null, '47', 'indeterminate'],
    [200, '5004700', '47', 'indeterminate'],
  ])('HTTP %i with %p (service %s) → %p', (status, code, service, expected) => {
    expect(classify(status, code, service)).toBe(expected);
  });
});

describe('SNAP notifications: DOKU (HMAC-SHA512 with our client secret)', () => {
  const provider = buildTestProvider(DOKU_PROFILE, { baseUrl: 'http://127.0.0.1:9', ourKeys, notifyToken: NOTIFY_TOKEN });

  it('accepts the signed fixture and maps it', () => {
    const raw = fixture('notify.paid.json').trim();
    const parsed = provider.parseWebhook(dokuNotification(raw, NOW));
    expect(parsed).toEqual({
      eventId: '41421012345600001:2025-10-26',
      trxId: 'A120240521100000123456',
      orderId: null,
      paymentRef: 'ORD-8F3K2Q',
      amount: 25000,
      status: 'PAID',
      refNo: '414210123456',
      payload: JSON.parse(raw),
    });
  });

  it('dates the event id by the Jakarta day of X-TIMESTAMP (X-EXTERNAL-ID is unique per day only)', () => {
    const lateUtc = new Date('2025-10-26T18:00:00Z'); // 01:00 on the 27th in Jakarta
    expect(provider.parseWebhook(dokuNotification(notifyBody(), lateUtc)).eventId).toBe('41421012345600001:2025-10-27');
  });

  it('verifies the body as sent, whitespace included (it hashes the minified form)', () => {
    const pretty = JSON.stringify(JSON.parse(notifyBody()), null, 2);
    expect(provider.parseWebhook(dokuNotification(pretty, NOW)).amount).toBe(275000);
  });

  it.each<[string, () => WebhookRequest, string]>([
    ['a tampered amount', () => tamper(dokuNotification(notifyBody(), NOW), '275000.00', '2750000.00'), 'signature'],
    ['a tampered status', () => tamper(dokuNotification(notifyBody({ latestTransactionStatus: '03' }), NOW), '"03"', '"00"'), 'signature'],
    ['a wrong client secret', () => dokuNotification(notifyBody(), NOW, { secret: 'not-our-secret' }), 'signature'],
    ['a missing X-SIGNATURE', () => dokuNotification(notifyBody(), NOW, { omit: ['x-signature'] }), 'signature'],
    ['a missing Authorization', () => dokuNotification(notifyBody(), NOW, { omit: ['authorization'] }), 'signature'],
    ['a bearer token we did not issue (validly signed with it)', () => dokuNotification(notifyBody(), NOW, { token: 'another-token-0000' }), 'signature'],
    ['a missing X-TIMESTAMP', () => dokuNotification(notifyBody(), NOW, { omit: ['x-timestamp'] }), 'timestamp'],
    ['a stale X-TIMESTAMP', () => dokuNotification(notifyBody(), NOW, { at: new Date(NOW.getTime() - 301_000) }), 'timestamp'],
    ['a future X-TIMESTAMP', () => dokuNotification(notifyBody(), NOW, { at: new Date(NOW.getTime() + 301_000) }), 'timestamp'],
    ['a missing X-EXTERNAL-ID', () => dokuNotification(notifyBody(), NOW, { omit: ['x-external-id'] }), 'malformed'],
    ['an X-EXTERNAL-ID over 36 characters', () => dokuNotification(notifyBody(), NOW, { externalId: '1'.repeat(37) }), 'malformed'],
    ['an amount with a fraction', () => dokuNotification(notifyBody({ amount: { value: '275000.50', currency: 'IDR' } }), NOW), 'malformed'],
    ['no originalReferenceNo', () => dokuNotification(notifyBody({ originalReferenceNo: undefined }), NOW), 'malformed'],
  ])('rejects %s', (_label, build, reason) => {
    expect(rejectionOf(() => provider.parseWebhook(build())).reason).toBe(reason);
  });

  it('without SNAP_NOTIFY_TOKEN, takes the presented bearer token into the string to sign (the HMAC authenticates)', () => {
    const open = buildTestProvider(DOKU_PROFILE, { baseUrl: 'http://127.0.0.1:9', ourKeys });
    expect(open.parseWebhook(dokuNotification(notifyBody(), NOW, { token: 'any-token-doku-chose' })).status).toBe('PAID');
    expect(rejectionOf(() => open.parseWebhook(tamper(dokuNotification(notifyBody(), NOW, { token: 'a' }), 'Bearer a', 'Bearer b'))).reason).toBe('signature');
  });

  it('does not ask for status confirmation (the signature covers the body)', () => {
    expect(confirmsByStatusQuery(provider)).toBe(false);
  });
});

describe('SNAP notifications: NICEPAY (RSA over clientId|timestamp)', () => {
  const provider = buildTestProvider(NICEPAY_PROFILE, { baseUrl: 'http://127.0.0.1:9', ourKeys, providerKeys: nicepayKeys });

  it('accepts a notification signed with the provider key', () => {
    const parsed = provider.parseWebhook(nicepayNotification(notifyBody(), NOW, nicepayKeys.privateKey));
    expect(parsed).toMatchObject({ trxId: 'A1SNAPTEST0001', amount: 275000, status: 'PAID', refNo: '414210123456', eventId: '41421012345600001:2025-10-26' });
  });

  it.each<[string, () => WebhookRequest, string]>([
    ['another key', () => nicepayNotification(notifyBody(), NOW, ourKeys.privateKey), 'signature'],
    ['a missing X-SIGNATURE', () => nicepayNotification(notifyBody(), NOW, nicepayKeys.privateKey, { omit: ['x-signature'] }), 'signature'],
    ['a signature for another timestamp', () => tamper(nicepayNotification(notifyBody(), NOW, nicepayKeys.privateKey), snapTimestamp(NOW), snapTimestamp(new Date(NOW.getTime() + 1000))), 'signature'],
    ['a stale X-TIMESTAMP', () => nicepayNotification(notifyBody(), NOW, nicepayKeys.privateKey, { at: new Date(NOW.getTime() - 301_000) }), 'timestamp'],
  ])('rejects %s', (_label, build, reason) => {
    expect(rejectionOf(() => provider.parseWebhook(build())).reason).toBe(reason);
  });

  it('cannot detect a tampered body, so it asks the status API before anything is applied', () => {
    const forged = tamper(nicepayNotification(notifyBody({ latestTransactionStatus: '03' }), NOW, nicepayKeys.privateKey), '"03"', '"00"');
    expect(provider.parseWebhook(forged).status).toBe('PAID'); // the claim parses…
    expect(provider.confirmsByStatusQuery).toBe(true); // …and is only a hint for the processor
    expect(confirmsByStatusQuery(provider)).toBe(true);
  });

  it('rejects everything when no provider public key is configured', () => {
    const keyless = buildTestProvider(NICEPAY_PROFILE, { baseUrl: 'http://127.0.0.1:9', ourKeys });
    expect(rejectionOf(() => keyless.parseWebhook(nicepayNotification(notifyBody(), NOW, nicepayKeys.privateKey))).reason).toBe('signature');
  });
});

describe('SNAP client against a fake host', () => {
  let server: FakeProviderServer;
  let logs: string[];
  const log = (entry: unknown) => logs.push(JSON.stringify(entry));
  const input = { paymentId: '0199a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b', orderId: 'ORD-1', amount: 10000, expiresAt: new Date('2025-10-26T05:00:00Z') };

  beforeEach(async () => {
    logs = [];
    server = await new FakeProviderServer().start();
  });
  afterEach(() => server.stop());

  it('DOKU: fetches a token, then generates with the SNAP headers and body', async () => {
    stubSnapHost(server, DOKU_PROFILE);
    const provider = buildTestProvider(DOKU_PROFILE, { baseUrl: server.url, ourKeys, log });
    const created = await provider.createDynamicQR(input);
    expect(created).toEqual({ qrString: qrFor(10000), trxId: 'A1SNAPTEST0001', expiresAt: input.expiresAt });

    const [token] = server.requestsTo('POST', '/authorization/v1/access-token/b2b');
    expect(token.json).toEqual({ grantType: 'client_credentials' });
    expect(token.headers['x-client-key']).toBe(CLIENT_ID);
    expect(token.headers['x-timestamp']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
    expect(verifyTokenSignature(ourKeys.publicKey, CLIENT_ID, String(token.headers['x-timestamp']), String(token.headers['x-signature']))).toBe(true);

    const [generate] = server.requestsTo('POST', '/snap-adapter/b2b/v1.0/qr/qr-mpm-generate');
    expect(generate.body).toBe(
      `{"partnerReferenceNo":"${input.paymentId}","amount":{"value":"10000.00","currency":"IDR"},"merchantId":"${MERCHANT_ID}","terminalId":"${TERMINAL_ID}","validityPeriod":"2025-10-26T12:00:00+07:00"}`,
    );
    const h = generate.headers;
    expect(h.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(h['content-type']).toBe('application/json');
    expect(h['x-partner-id']).toBe(CLIENT_ID);
    expect(h['channel-id']).toBe('H2H');
    expect(h['x-external-id']).toMatch(/^\d{1,36}$/);
    const stringToSign = `POST:/snap-adapter/b2b/v1.0/qr/qr-mpm-generate:${ACCESS_TOKEN}:${snapBodyHash(generate.body)}:${h['x-timestamp']}`;
    expect(h['x-signature']).toBe(createHmac('sha512', CLIENT_SECRET).update(stringToSign).digest('base64'));
  });

  it('NICEPAY: iMid as X-PARTNER-ID, clientId+01 as CHANNEL-ID, storeId and additionalInfo', async () => {
    stubSnapHost(server, NICEPAY_PROFILE);
    const provider = buildTestProvider(NICEPAY_PROFILE, { baseUrl: server.url, ourKeys, providerKeys: nicepayKeys });
    await provider.createDynamicQR(input);
    expect(server.requestsTo('POST', '/v1.0/access-token/b2b')).toHaveLength(1);
    const [generate] = server.requestsTo('POST', '/api/v1.0/qr/qr-mpm-generate');
    expect(generate.headers['x-partner-id']).toBe(MERCHANT_ID);
    expect(generate.headers['channel-id']).toBe(`${CLIENT_ID}01`);
    expect(generate.json).toEqual({
      partnerReferenceNo: input.paymentId,
      amount: { value: '10000.00', currency: 'IDR' },
      merchantId: MERCHANT_ID,
      storeId: TERMINAL_ID,
      validityPeriod: '2025-10-26T12:00:00+07:00',
      additionalInfo: {
        goodsNm: 'Order ORD-1',
        billingNm: 'TOKO CONTOH',
        dbProcessUrl: 'https://pay.example.com/webhooks/qris',
        callBackUrl: 'https://pay.example.com/webhooks/qris',
        mitraCd: 'QSHP',
      },
    });
    const stringToSign = `POST:/api/v1.0/qr/qr-mpm-generate:${ACCESS_TOKEN}:${snapBodyHash(generate.body)}:${generate.headers['x-timestamp']}`;
    expect(generate.headers['x-signature']).toBe(createHmac('sha512', CLIENT_SECRET).update(stringToSign).digest('base64'));
  });

  it('reuses the token until it expires, and fetches a new one once when the cached one is refused', async () => {
    stubSnapHost(server, DOKU_PROFILE);
    const provider = buildTestProvider(DOKU_PROFILE, { baseUrl: server.url, ourKeys });
    await provider.createDynamicQR(input);
    await provider.createDynamicQR({ ...input, paymentId: 'p2' });
    expect(server.requestsTo('POST', DOKU_PROFILE.tokenPath)).toHaveLength(1);
    server.once('POST', DOKU_PROFILE.generatePath, { status: 401, body: JSON.parse(fixture('error.unauthorized.json')) });
    await provider.createDynamicQR({ ...input, paymentId: 'p3' });
    expect(server.requestsTo('POST', DOKU_PROFILE.tokenPath)).toHaveLength(2);
    expect(server.requestsTo('POST', DOKU_PROFILE.generatePath)).toHaveLength(4);
  });

  it('maps a refused token request to auth, without retrying', async () => {
    server.on('POST', DOKU_PROFILE.tokenPath, { status: 401, body: { responseCode: '4017300', responseMessage: 'Unauthorized. Signature' } });
    const provider = buildTestProvider(DOKU_PROFILE, { baseUrl: server.url, ourKeys });
    expect((await failure(provider.createDynamicQR(input))).kind).toBe('auth');
    expect(server.requestsTo('POST', DOKU_PROFILE.generatePath)).toHaveLength(0);
  });

  it('maps 5xx and a timeout after sending to indeterminate', async () => {
    stubSnapHost(server, DOKU_PROFILE);
    const provider = buildTestProvider(DOKU_PROFILE, { baseUrl: server.url, ourKeys, timeoutMs: 300 });
    server.once('POST', DOKU_PROFILE.generatePath, { status: 500, body: JSON.parse(fixture('error.server.json')) });
    expect((await failure(provider.createDynamicQR(input))).kind).toBe('indeterminate');
    server.once('POST', DOKU_PROFILE.generatePath, { hang: true });
    expect((await failure(provider.createDynamicQR(input))).kind).toBe('indeterminate');
  });

  it('refuses a qrContent that is not a valid dynamic QRIS for the amount (the payment stays CREATED)', async () => {
    stubSnapHost(server, DOKU_PROFILE);
    const provider = buildTestProvider(DOKU_PROFILE, { baseUrl: server.url, ourKeys });
    const answer = (qrContent: string) => ({ body: { responseCode: '2004700', referenceNo: 'A1', partnerReferenceNo: input.paymentId, qrContent } });
    server.once('POST', DOKU_PROFILE.generatePath, answer(qrFor(10000).slice(0, -4) + '0000'));
    expect((await failure(provider.createDynamicQR(input))).kind).toBe('indeterminate');
    server.once('POST', DOKU_PROFILE.generatePath, answer(qrFor(20000)));
    expect((await failure(provider.createDynamicQR(input))).message).toMatch(/not a dynamic QR for Rp 10000/);
  });

  it('queries the status: 00 → PAID with paidTime, rrn and the exact amount; 404 not found → PENDING', async () => {
    stubSnapHost(server, DOKU_PROFILE);
    server.on('POST', DOKU_PROFILE.queryPath, { body: JSON.parse(fixture('query.paid.json')) });
    const provider = buildTestProvider(DOKU_PROFILE, { baseUrl: server.url, ourKeys });
    expect(await provider.queryStatus('A120240521100000123456')).toEqual({
      status: 'PAID',
      refNo: '414210123456',
      paidAt: new Date('2024-05-21T03:03:12Z'),
      amount: 25000,
    });
    expect(server.requestsTo('POST', DOKU_PROFILE.queryPath)[0].json).toEqual({ originalReferenceNo: 'A120240521100000123456', serviceCode: '47', merchantId: MERCHANT_ID });
    server.on('POST', DOKU_PROFILE.queryPath, { status: 404, body: JSON.parse(fixture('query.not-found.json')) });
    expect(await provider.queryStatus('A1UNKNOWN')).toEqual({ status: 'PENDING', refNo: null, paidAt: null, amount: null });
  });

  it('logs each exchange without the client secret, the token, a signature or the private key', async () => {
    stubSnapHost(server, DOKU_PROFILE);
    const provider = buildTestProvider(DOKU_PROFILE, { baseUrl: server.url, ourKeys, log });
    await provider.createDynamicQR(input);
    server.once('POST', DOKU_PROFILE.generatePath, { status: 503, body: {} });
    await failure(provider.createDynamicQR(input));
    expect(logs.length).toBeGreaterThanOrEqual(3);
    const signatures = server.requests.map((r) => String(r.headers['x-signature']));
    const privatePem = ourKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().split('\n')[1];
    for (const line of logs) {
      for (const secret of [CLIENT_SECRET, ACCESS_TOKEN, privatePem, ...signatures]) expect(line).not.toContain(secret);
    }
  });
});

describe('SNAP settlement export', () => {
  it('reads the documented CSV columns, defaulting net amount and settlement date', () => {
    expect(parseSettlementCsv(fixture('settlement.sample.csv'), '2024-05-22', '2024-05-22.csv')).toEqual([
      {
        providerTrxId: 'A120240521100000123456',
        amount: 25000,
        fee: 175,
        netAmount: 24825,
        settlementDate: '2024-05-22',
        fileId: '2024-05-22.csv',
        paidAt: new Date('2024-05-21T03:03:12Z'),
      },
      { providerTrxId: 'A120240521100000123457', amount: 150000, fee: 1050, netAmount: 148950, settlementDate: '2024-05-22', fileId: '2024-05-22.csv', paidAt: null },
    ]);
  });

  it('reads <dir>/<date>.csv; a missing file is unavailable, a bad line invalid_request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snap-settlement-'));
    try {
      writeFileSync(join(dir, '2024-05-22.csv'), fixture('settlement.sample.csv'));
      writeFileSync(join(dir, '2024-05-23.csv'), 'reference_no,amount,fee\r\nA1,10000.50,0\r\n');
      const provider = buildTestProvider(DOKU_PROFILE, { baseUrl: 'http://127.0.0.1:9', ourKeys, settlementDir: dir });
      expect(await provider.fetchSettlement('2024-05-22')).toHaveLength(2);
      expect((await failure(provider.fetchSettlement('2024-05-24'))).kind).toBe('unavailable');
      const bad = await failure(provider.fetchSettlement('2024-05-23'));
      expect(bad.kind).toBe('invalid_request');
      expect(bad.message).toMatch(/line 2: amount/);
      const unconfigured = buildTestProvider(DOKU_PROFILE, { baseUrl: 'http://127.0.0.1:9', ourKeys });
      expect((await failure(unconfigured.fetchSettlement('2024-05-22'))).kind).toBe('unavailable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function tamper(request: WebhookRequest, from: string, to: string): WebhookRequest {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, typeof v === 'string' ? v.replace(from, to) : v]));
  const body = request.rawBody.toString('utf8');
  return body.includes(from) ? { ...request, rawBody: Buffer.from(body.replace(from, to), 'utf8') } : { ...request, headers };
}
