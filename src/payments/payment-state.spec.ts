import { PAYMENT_STATUSES, PaymentStatus, canTransition, isFinal, sourcesOf } from './payment-state';

describe('payment state table', () => {
  const allowed: Array<[PaymentStatus, PaymentStatus]> = [
    ['CREATED', 'PENDING'],
    ['CREATED', 'FAILED'],
    ['PENDING', 'PAID'],
    ['PENDING', 'EXPIRED'],
    ['PENDING', 'FAILED'],
    ['PAID', 'REFUNDED'],
    ['EXPIRED', 'PAID'],
  ];

  it.each(PAYMENT_STATUSES.flatMap((from) => PAYMENT_STATUSES.map((to) => [from, to] as const)))(
    '%s → %s is allowed only if listed',
    (from, to) => {
      const expected = allowed.some(([f, t]) => f === from && t === to);
      expect(canTransition(from, to)).toBe(expected);
    },
  );

  it('never leaves a paid payment except by refund, never reopens a final one', () => {
    expect(sourcesOf('PENDING')).toEqual(['CREATED']);
    expect(sourcesOf('PAID')).toEqual(['PENDING', 'EXPIRED']);
    expect(sourcesOf('EXPIRED')).toEqual(['PENDING']);
    expect(isFinal('FAILED')).toBe(true);
    expect(isFinal('REFUNDED')).toBe(true);
    expect(isFinal('PAID')).toBe(false);
  });
});
