import { WebhookRejectedError } from '../provider.errors';
import { mockWebhookHeaders, parseMockWebhook } from './mock.webhook';

describe('mockWebhookHeaders (the signer the tools use) against parseMockWebhook', () => {
  const settings = { secret: 'whsec-test', toleranceSeconds: 300 };
  const now = new Date('2025-10-26T04:00:00Z');
  const body = JSON.stringify({ trx_id: 'QRIS1', order_id: 'INV-1', amount: 150000, status: 'SUCCESS', ref_no: 'R1' });
  const headers = mockWebhookHeaders(settings.secret, body, 'evt-1', now.getTime() / 1000);

  it('produces headers the verifier accepts', () => {
    const parsed = parseMockWebhook({ rawBody: Buffer.from(body), headers, receivedAt: now }, settings);
    expect(parsed).toMatchObject({ eventId: 'evt-1', trxId: 'QRIS1', amount: 150000, status: 'PAID' });
  });

  it('signs the exact bytes: another body or secret is refused', () => {
    const tampered = Buffer.from(body.replace('150000', '150001'));
    expect(() => parseMockWebhook({ rawBody: tampered, headers, receivedAt: now }, settings)).toThrow(WebhookRejectedError);
    const other = mockWebhookHeaders('another-secret', body, 'evt-1', now.getTime() / 1000);
    expect(() => parseMockWebhook({ rawBody: Buffer.from(body), headers: other, receivedAt: now }, settings)).toThrow(/X-Signature/);
  });
});
