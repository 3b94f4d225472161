import { PAYMENT_STATUSES, PaymentStatus } from '../payments/payment-state';
import { ProviderPaymentStatus } from '../providers/qris-provider';
import { decideWebhook } from './webhook-decision';

const payment = (status: PaymentStatus) => ({ id: 'PAY-1', orderId: 'INV-1', amount: 150000, status });
const note = (status: ProviderPaymentStatus, extra: Partial<{ amount: number; order_id: string | null; payment_ref: string | null }> = {}) => ({
  trx_id: 'T1', order_id: 'INV-1', amount: 150000, status, ref_no: 'R1', ...extra,
});

describe('decideWebhook', () => {
  it('PENDING + success → PAID (WEBHOOK_SUCCESS); EXPIRED + success → PAID (LATE_PAYMENT)', () => {
    expect(decideWebhook(payment('PENDING'), note('PAID'))).toEqual({ kind: 'transition', from: 'PENDING', to: 'PAID', event: 'WEBHOOK_SUCCESS' });
    expect(decideWebhook(payment('EXPIRED'), note('PAID'))).toEqual({ kind: 'transition', from: 'EXPIRED', to: 'PAID', event: 'LATE_PAYMENT' });
  });

  it('rejects an amount or order mismatch whatever the status, and accepts a missing order_id', () => {
    for (const status of PAYMENT_STATUSES) {
      expect(decideWebhook(payment(status), note('PAID', { amount: 150001 })).kind).toBe('reject');
      expect(decideWebhook(payment(status), note('PAID', { order_id: 'INV-2' })).kind).toBe('reject');
    }
    expect(decideWebhook(payment('PENDING'), note('PAID', { order_id: null })).kind).toBe('transition');
  });

  it('rejects a notification whose provider reference names another payment (a replayed genuine one)', () => {
    expect(decideWebhook(payment('PENDING'), note('PAID', { order_id: null, payment_ref: 'PAY-2' }))).toEqual({
      kind: 'reject',
      message: 'the provider reference does not name this payment',
    });
    expect(decideWebhook(payment('PENDING'), note('PAID', { order_id: null, payment_ref: 'PAY-1' })).kind).toBe('transition');
    expect(decideWebhook(payment('PENDING'), note('PAID', { order_id: null, payment_ref: null })).kind).toBe('transition');
  });

  it('never moves a payment to PAID from CREATED or FAILED, and leaves PAID/REFUNDED alone', () => {
    expect(decideWebhook(payment('CREATED'), note('PAID')).kind).toBe('reject');
    expect(decideWebhook(payment('FAILED'), note('PAID')).kind).toBe('reject');
    expect(decideWebhook(payment('PAID'), note('PAID')).kind).toBe('no-effect');
    expect(decideWebhook(payment('REFUNDED'), note('PAID')).kind).toBe('no-effect');
  });

  it.each(['FAILED', 'EXPIRED'] as const)('%s applies only to a PENDING payment', (status) => {
    expect(decideWebhook(payment('PENDING'), note(status))).toMatchObject({ kind: 'transition', to: status });
    for (const other of PAYMENT_STATUSES.filter((s) => s !== 'PENDING')) {
      expect(decideWebhook(payment(other), note(status)).kind).toBe('no-effect');
    }
  });

  it('a provider PENDING never changes anything; a refund applies to PAID only', () => {
    for (const status of PAYMENT_STATUSES) expect(decideWebhook(payment(status), note('PENDING')).kind).toBe('no-effect');
    expect(decideWebhook(payment('PAID'), note('REFUNDED'))).toMatchObject({ kind: 'transition', to: 'REFUNDED' });
    expect(decideWebhook(payment('PENDING'), note('REFUNDED')).kind).toBe('reject');
  });
});
