import type { ParsedWebhook, ProviderPaymentStatus } from '../providers/qris-provider';

/** Stored in webhook_events.notification: the provider-neutral facts processing acts on. */
export interface WebhookNotification {
  trx_id: string;
  order_id: string | null;
  /** Whole rupiah. */
  amount: number;
  status: ProviderPaymentStatus;
  ref_no: string | null;
  /** Our payment id as the provider echoed it; absent on events stored before it existed. */
  payment_ref?: string | null;
}

export function toNotification(parsed: ParsedWebhook): WebhookNotification {
  return {
    trx_id: parsed.trxId,
    order_id: parsed.orderId,
    amount: parsed.amount,
    status: parsed.status,
    ref_no: parsed.refNo,
    payment_ref: parsed.paymentRef ?? null,
  };
}
