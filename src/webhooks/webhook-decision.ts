import type { PaymentStatus } from '../payments/payment-state';
import type { WebhookNotification } from './webhook-notification';

export interface PaymentFacts {
  id: string;
  orderId: string;
  amount: number;
  status: PaymentStatus;
}

export type WebhookDecision =
  | { kind: 'transition'; from: PaymentStatus; to: PaymentStatus; event: string }
  /** Already in the reported state, or a stale report a later state supersedes: nothing to do. */
  | { kind: 'no-effect'; reason: string }
  | { kind: 'reject'; message: string };

/**
 * What a verified notification does to a payment. Pure, so every combination is tested without a
 * database. The amount and order must match exactly: a mismatch never moves money-state.
 */
export function decideWebhook(payment: PaymentFacts, n: WebhookNotification): WebhookDecision {
  if (n.payment_ref && n.payment_ref !== payment.id) {
    return { kind: 'reject', message: 'the provider reference does not name this payment' };
  }
  if (n.order_id !== null && n.order_id !== payment.orderId) {
    return { kind: 'reject', message: 'order_id does not match the payment' };
  }
  if (n.amount !== payment.amount) {
    return { kind: 'reject', message: `amount ${n.amount} does not match the payment amount ${payment.amount}` };
  }
  const status = payment.status;
  switch (n.status) {
    case 'PAID':
      if (status === 'PENDING') return { kind: 'transition', from: 'PENDING', to: 'PAID', event: 'WEBHOOK_SUCCESS' };
      // The customer paid in the last second and our expiry ran first: the money moved, so it is PAID.
      if (status === 'EXPIRED') return { kind: 'transition', from: 'EXPIRED', to: 'PAID', event: 'LATE_PAYMENT' };
      if (status === 'PAID' || status === 'REFUNDED') return { kind: 'no-effect', reason: `payment is already ${status}` };
      return { kind: 'reject', message: `a success was reported for a ${status} payment` };
    case 'FAILED':
    case 'EXPIRED':
      if (status === 'PENDING') return { kind: 'transition', from: 'PENDING', to: n.status, event: n.status === 'FAILED' ? 'WEBHOOK_FAILED' : 'EXPIRE' };
      return { kind: 'no-effect', reason: `payment is ${status}; a ${n.status} report changes nothing` };
    case 'REFUNDED':
      if (status === 'PAID') return { kind: 'transition', from: 'PAID', to: 'REFUNDED', event: 'REFUND' };
      if (status === 'REFUNDED') return { kind: 'no-effect', reason: 'payment is already REFUNDED' };
      return { kind: 'reject', message: `a refund was reported for a ${status} payment` };
    case 'PENDING':
      return { kind: 'no-effect', reason: 'the provider reports the payment as still pending' };
  }
}
