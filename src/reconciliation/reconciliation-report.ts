import type { PaymentStatus } from '../payments/payment-state';

export interface MissingAtProvider {
  payment_id: string;
  order_id: string;
  provider_trx_id: string | null;
  amount: number;
  paid_at: string | null;
}

export interface MissingInOurSystem {
  provider_trx_id: string;
  amount: number;
  fee: number;
  net_amount: number;
}

export interface StatusMismatch {
  payment_id: string;
  order_id: string;
  provider_trx_id: string;
  amount: number;
  /** Our status before reconciliation looked at it. */
  our_status: PaymentStatus;
  /** PAID when reconciliation fixed it; null when the state machine forbids it (CREATED, FAILED) — a human decides. */
  fixed_to: PaymentStatus | null;
}

export interface AmountMismatch {
  payment_id: string;
  order_id: string;
  provider_trx_id: string;
  our_amount: number;
  settled_amount: number;
  our_status: PaymentStatus;
}

/** What a reconciliation run found. Lists are ordered by provider_trx_id, so reruns compare equal. */
export interface ReconciliationReport {
  provider: string;
  date: string;
  settlement_rows: number;
  counts: {
    matched: number;
    missing_at_provider: number;
    missing_in_our_system: number;
    status_mismatch: number;
    amount_mismatch: number;
  };
  /** The provider's figures over every settled row of the day, whole rupiah. */
  totals: { amount: number; fee: number; net: number };
  missing_at_provider: MissingAtProvider[];
  missing_in_our_system: MissingInOurSystem[];
  status_mismatch: StatusMismatch[];
  amount_mismatch: AmountMismatch[];
}

export function byTrxId<T extends { provider_trx_id: string | null }>(a: T, b: T): number {
  const x = a.provider_trx_id ?? '';
  const y = b.provider_trx_id ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sumOf<T>(items: T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}
