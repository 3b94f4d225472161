export const PAYMENT_STATUSES = ['CREATED', 'PENDING', 'PAID', 'EXPIRED', 'FAILED', 'REFUNDED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * The allowed transitions. EXPIRED → PAID exists because a customer can pay in the last second and the
 * provider's success arrives after our expiry: the money moved, so the payment is PAID (logged as late).
 * CREATED → FAILED covers a provider that definitively rejects the QR request.
 */
const TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  CREATED: ['PENDING', 'FAILED'],
  PENDING: ['PAID', 'EXPIRED', 'FAILED'],
  PAID: ['REFUNDED'],
  EXPIRED: ['PAID'],
  FAILED: [],
  REFUNDED: [],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function allowedTransitions(from: PaymentStatus): readonly PaymentStatus[] {
  return TRANSITIONS[from];
}

/** Statuses from which `to` can be reached; the WHERE clause of a compare-and-set update. */
export function sourcesOf(to: PaymentStatus): PaymentStatus[] {
  return PAYMENT_STATUSES.filter((from) => canTransition(from, to));
}

export function isFinal(status: PaymentStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** Statuses a merchant is told about through a callback. */
export const CALLBACK_STATUSES: readonly PaymentStatus[] = ['PAID', 'EXPIRED', 'FAILED', 'REFUNDED'];
