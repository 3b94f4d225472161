import { createHmac } from 'node:crypto';
import { parseQris } from '../../qris/qris-codec';
import { runProviderContract } from '../provider-contract';
import { WebhookRequest } from '../qris-provider';
import { QrisProviderMock } from './mock.provider';

const SECRET = 'mock-contract-secret';

function notification(fields: Record<string, unknown>, now: Date, options: { secret?: string; at?: Date; omit?: string } = {}): WebhookRequest {
  const raw = JSON.stringify({ trx_id: 'QRISCONTRACT1', order_id: 'ORD-CONTRACT-1', amount: 275000, status: 'SUCCESS', ref_no: 'RRN1', ...fields });
  const headers: Record<string, string> = {
    'x-signature': createHmac('sha256', options.secret ?? SECRET).update(raw).digest('hex'),
    'x-timestamp': String(Math.floor((options.at ?? now).getTime() / 1000)),
    'x-event-id': `evt-${String(fields.status ?? 'SUCCESS')}`,
  };
  if (options.omit) delete headers[options.omit];
  return { rawBody: Buffer.from(raw, 'utf8'), headers, receivedAt: now };
}

runProviderContract('mock', {
  build: () =>
    new QrisProviderMock(
      { merchantName: 'TOKO CONTOH', merchantCity: 'JAKARTA', postalCode: '10110', nmid: 'ID1020000000001', mcc: '5812', merchantCriteria: 'UMI' },
      { secret: SECRET, toleranceSeconds: 300 },
    ),
  // The mock has no API: "our id as the provider's reference" is the order id printed in the QR's bill number.
  assertCreated: (created, input) => {
    const qr = parseQris(created.qrString);
    expect(qr.amountRupiah).toBe(input.amount);
    expect(qr.billNumber).toBe(input.orderId);
    expect(qr.referenceLabel).toBe(created.trxId);
  },
  statuses: [
    { label: 'SUCCESS', expected: 'PAID', request: (now) => notification({ status: 'SUCCESS' }, now) },
    { label: 'FAILED', expected: 'FAILED', request: (now) => notification({ status: 'FAILED' }, now) },
    { label: 'EXPIRED', expected: 'EXPIRED', request: (now) => notification({ status: 'EXPIRED' }, now) },
  ],
  webhook: {
    signed: (now) => notification({}, now),
    tampered: (now) => {
      const signed = notification({}, now);
      return { ...signed, rawBody: Buffer.from(signed.rawBody.toString('utf8').replace('275000', '2750000'), 'utf8') };
    },
    wrongSecret: (now) => notification({}, now, { secret: 'another-secret' }),
    missingSignature: (now) => notification({}, now, { omit: 'x-signature' }),
    stale: (now) => notification({}, now, { at: new Date(now.getTime() - 301_000) }),
    unknownStatus: (now) => notification({ status: 'SETTLED_MAYBE' }, now),
  },
});
