import { createHmac } from 'node:crypto';
import { runProviderContract } from '../provider-contract';
import { FakeProviderServer } from '../testing/fake-provider-server';
import { snapBodyHash } from './snap-signature';
import { CLIENT_SECRET, DOKU_PROFILE, MERCHANT_ID, TERMINAL_ID, buildTestProvider, dokuNotification, notifyBody, qrFor, rsaKeys } from './snap.testing';

const ourKeys = rsaKeys();
const CONTRACT_TOKEN = 'contract-access-token-1234';

// Every SNAP call starts with the token exchange; the suite routes only the create path, so each fake
// the suite starts also serves tokens (a route added first, so the suite's own routes still win).
const start = FakeProviderServer.prototype.start;
jest.spyOn(FakeProviderServer.prototype, 'start').mockImplementation(async function (this: FakeProviderServer) {
  await start.call(this);
  return this.on('POST', DOKU_PROFILE.tokenPath, { body: { responseCode: '2007300', accessToken: CONTRACT_TOKEN, expiresIn: '900' } });
});

/**
 * DOKU runs the whole shared contract. NICEPAY shares every HTTP path (same client, other profile) but
 * cannot pass "rejects a tampered body": its notification signature covers only clientId|timestamp, so
 * snap.spec.ts checks instead that such a body is only ever trusted after a status query.
 */
runProviderContract('doku', {
  build: (ctx) => buildTestProvider(DOKU_PROFILE, { baseUrl: ctx.baseUrl, ourKeys, timeoutMs: ctx.timeoutMs, log: ctx.log }),
  http: {
    secrets: [CLIENT_SECRET],
    createRoute: { method: 'POST', path: DOKU_PROFILE.generatePath },
    stubCreate: (server, input) => {
      const qrString = qrFor(input.amount, 'A1CONTRACT0001');
      server.on('POST', DOKU_PROFILE.generatePath, {
        body: { responseCode: '2004700', responseMessage: 'Successful', referenceNo: 'A1CONTRACT0001', partnerReferenceNo: input.paymentId, qrContent: qrString },
      });
      return { qrString, trxId: 'A1CONTRACT0001' };
    },
    assertCreateRequest: (request, input) => {
      expect(request.headers.authorization).toBe(`Bearer ${CONTRACT_TOKEN}`);
      expect(request.json).toEqual({
        partnerReferenceNo: input.paymentId,
        amount: { value: `${input.amount}.00`, currency: 'IDR' },
        merchantId: MERCHANT_ID,
        terminalId: TERMINAL_ID,
        validityPeriod: '2025-10-26T12:00:00+07:00',
      });
      const stringToSign = `POST:${DOKU_PROFILE.generatePath}:${CONTRACT_TOKEN}:${snapBodyHash(request.body)}:${request.headers['x-timestamp']}`;
      expect(request.headers['x-signature']).toBe(createHmac('sha512', CLIENT_SECRET).update(stringToSign).digest('base64'));
    },
    errorResponse: (status) => ({ status, body: { responseCode: `${status}4700`, responseMessage: 'error' } }),
  },
  statuses: [
    { label: '00 success', expected: 'PAID', request: (now) => dokuNotification(notifyBody({ latestTransactionStatus: '00' }), now) },
    { label: '03 pending', expected: 'PENDING', request: (now) => dokuNotification(notifyBody({ latestTransactionStatus: '03' }), now) },
    { label: '04 refunded', expected: 'REFUNDED', request: (now) => dokuNotification(notifyBody({ latestTransactionStatus: '04' }), now) },
    { label: '05 cancelled', expected: 'FAILED', request: (now) => dokuNotification(notifyBody({ latestTransactionStatus: '05' }), now) },
    { label: '06 failed', expected: 'FAILED', request: (now) => dokuNotification(notifyBody({ latestTransactionStatus: '06' }), now) },
  ],
  webhook: {
    signed: (now) => dokuNotification(notifyBody(), now),
    tampered: (now) => {
      const signed = dokuNotification(notifyBody(), now);
      return { ...signed, rawBody: Buffer.from(signed.rawBody.toString('utf8').replace('275000.00', '2750000.00'), 'utf8') };
    },
    wrongSecret: (now) => dokuNotification(notifyBody(), now, { secret: 'another-client-secret' }),
    missingSignature: (now) => dokuNotification(notifyBody(), now, { omit: ['x-signature'] }),
    stale: (now) => dokuNotification(notifyBody(), now, { at: new Date(now.getTime() - 301_000) }),
    unknownStatus: (now) => dokuNotification(notifyBody({ latestTransactionStatus: '99' }), now),
  },
});
