/**
 * The port every QRIS provider adapter implements. Provider wire formats and statuses never leave the
 * adapters: what crosses this boundary is normalised (whole-rupiah amounts, our status names).
 */
export const QRIS_PROVIDER = Symbol('QRIS_PROVIDER');

/** Statuses a provider can report, in our vocabulary. Anything unknown must map to PENDING, never PAID. */
export type ProviderPaymentStatus = 'PENDING' | 'PAID' | 'EXPIRED' | 'FAILED' | 'REFUNDED';

export interface CreateQrRequest {
  paymentId: string;
  orderId: string;
  /** Whole rupiah. */
  amount: number;
  /** When we want the QR to stop being payable; the provider may answer with its own value. */
  expiresAt: Date;
}

export interface CreatedQr {
  qrString: string;
  trxId: string;
  expiresAt: Date;
}

export interface WebhookRequest {
  /** The exact bytes received; signatures are computed over these, never over re-serialised JSON. */
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  receivedAt: Date;
}

export interface ParsedWebhook {
  eventId: string;
  trxId: string;
  orderId: string | null;
  /** Whole rupiah, exact. */
  amount: number;
  status: ProviderPaymentStatus;
  refNo: string | null;
  /**
   * Our payment id as the provider echoes it (the reference we sent at create time), where its
   * notification carries one. Processing refuses the event if it names another payment than the one
   * found by trx_id, so a genuine notification cannot be pointed at someone else's transaction.
   */
  paymentRef?: string | null;
  /** The verified body, stored in webhook_events. */
  payload: Record<string, unknown>;
}

export interface SettlementRow {
  providerTrxId: string;
  amount: number;
  fee: number;
  netAmount: number;
  /** YYYY-MM-DD */
  settlementDate: string;
  fileId: string | null;
  /** When the provider says the customer paid, where its feed tells (a reconciliation fix uses it as paid_at). */
  paidAt?: Date | null;
}

export interface ProviderStatus {
  status: ProviderPaymentStatus;
  refNo: string | null;
  paidAt: Date | null;
  amount: number | null;
}

export interface QrisProvider {
  /** Stored on payments and webhook_events (mock, midtrans, xendit, doku, nicepay). */
  readonly name: string;
  createDynamicQR(request: CreateQrRequest): Promise<CreatedQr>;
  /** Verifies and normalises a notification; throws WebhookRejectedError when it must not be trusted. */
  parseWebhook(request: WebhookRequest): ParsedWebhook;
  /** The provider's settled transactions for one day (YYYY-MM-DD, Asia/Jakarta). */
  fetchSettlement(date: string): Promise<SettlementRow[]>;
  /** Where the provider has a status API: the payment's state there. */
  queryStatus?(trxId: string): Promise<ProviderStatus>;
}
