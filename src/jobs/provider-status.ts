import { Logger } from '@nestjs/common';
import { Db } from '../database/db';
import { PaymentEntity } from '../database/entities/payment.entity';
import { PaymentTransitionService } from '../payments/payment-transitions.service';
import { ProviderStatus, QrisProvider } from '../providers/qris-provider';

/**
 * The provider's view of a payment, when it has a status API and the payment is its own; null when it
 * cannot tell (no API, another provider, or the call failed — the caller then keeps its own course).
 */
export async function queryProviderStatus(provider: QrisProvider, payment: PaymentEntity, logger: Logger): Promise<ProviderStatus | null> {
  if (!provider.queryStatus || payment.provider !== provider.name || !payment.providerTrxId) return null;
  try {
    return await provider.queryStatus(payment.providerTrxId);
  } catch (error) {
    logger.warn({ msg: 'provider status query failed', paymentId: payment.id, error: (error as Error).message });
    return null;
  }
}

/** The payment_logs payload for a change the provider's status API told us about. */
export function statusQueryPayload(status: ProviderStatus, source: string): Record<string, unknown> {
  return { source, provider_status: status.status, ref_no: status.refNo, amount: status.amount, paid_at: status.paidAt?.toISOString() ?? null };
}

/** True when the provider reports the payment paid for exactly our amount (a different amount is never applied). */
export function paidAsExpected(status: ProviderStatus | null, payment: PaymentEntity): status is ProviderStatus & { status: 'PAID' } {
  return status?.status === 'PAID' && (status.amount === null || status.amount === payment.amount);
}

/** PENDING → PAID from the provider's status API, logged STATUS_QUERY_PAID. False when someone else changed it first. */
export function markPaidFromStatus(
  db: Db,
  transitions: PaymentTransitionService,
  payment: PaymentEntity,
  status: ProviderStatus,
  now: Date,
  source: string,
): Promise<boolean> {
  return db.transaction((em) =>
    transitions.transition(em, {
      paymentId: payment.id,
      from: ['PENDING'],
      to: 'PAID',
      patch: { paidAt: status.paidAt ?? now, providerRefNo: status.refNo ?? payment.providerRefNo },
      event: 'STATUS_QUERY_PAID',
      payload: statusQueryPayload(status, source),
      now,
    }),
  );
}
