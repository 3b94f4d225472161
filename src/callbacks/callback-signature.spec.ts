import { createHmac } from 'node:crypto';
import { callbackSignatureHeaders, standardWebhooksKey } from './callback-signature';

describe('callback signature headers', () => {
  const body = '{"payment_id":"p1","order_id":"o1","status":"PAID","amount":150000,"paid_at":"2025-10-26T11:50:00+07:00"}';

  it('signs the raw body (X-Callback-Signature) and id.timestamp.body (webhook-signature)', () => {
    const headers = callbackSignatureHeaders('k3y', 'd1', 1761454200, body);
    expect(headers['X-Callback-Signature']).toBe(createHmac('sha256', 'k3y').update(body).digest('hex'));
    expect(headers['webhook-id']).toBe('d1');
    expect(headers['webhook-timestamp']).toBe('1761454200');
    expect(headers['webhook-signature']).toBe(`v1,${createHmac('sha256', 'k3y').update(`d1.1761454200.${body}`).digest('base64')}`);
  });

  it('decodes a whsec_ key as Standard Webhooks does (the spec test vector)', () => {
    // From the Standard Webhooks reference libraries' tests.
    const key = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const payload = '{"test": 2432232314}';
    const headers = callbackSignatureHeaders(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, payload);
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    expect(standardWebhooksKey(key)).toEqual(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'));
  });
});
