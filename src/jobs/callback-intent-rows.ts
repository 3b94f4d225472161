import { uuidv7 } from '../common/ids/uuid-v7';
import { CallbackFields, callbackBody } from '../callbacks/callback-intent';
import { CallbackDeliveryEntity } from '../database/entities/callback-delivery.entity';
import { CALLBACK_STATUSES } from '../payments/payment-state';

/**
 * The outbox rows recordCallbackIntent (src/callbacks/callback-intent.ts) would write for these payments
 * in their current (already changed) state, for a multi-row INSERT in the caller's transaction: same
 * columns, same body bytes (callbackBody itself), and none for a payment without callback_url or in a
 * status merchants are not told about. test/jobs/expire-batch.e2e-spec.ts compares the two row by row.
 */
export function callbackIntentRows(payments: readonly CallbackFields[], now: Date): CallbackDeliveryEntity[] {
  return payments
    .filter((payment) => payment.callbackUrl && CALLBACK_STATUSES.includes(payment.status))
    .map((payment) => ({
      id: uuidv7(),
      paymentId: payment.id,
      status: 'PENDING',
      paymentStatus: payment.status,
      body: callbackBody(payment),
      attempts: 0,
      nextAttemptAt: now,
      lastStatusCode: null,
      lastError: null,
      lastDurationMs: null,
      deliveredAt: null,
      createdAt: now,
      updatedAt: now,
    }));
}
