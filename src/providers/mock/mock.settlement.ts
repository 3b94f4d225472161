import { MdrSettings, mdrFee } from '../../common/money/mdr';
import { jakartaDayRange } from '../../common/time/jakarta-day';
import type { MerchantCriteria } from '../../qris/qris-codec';
import { SettlementRow } from '../qris-provider';

/** A transaction the mock provider "saw": what it needs to settle it. */
export interface MockSettledCandidate {
  orderId: string;
  providerTrxId: string;
  amount: number;
  paidAt: Date | null;
  createdAt: Date;
}

/**
 * Where the mock provider learns what was paid. The real providers keep their own ledger; the mock's
 * ledger is our payments table, read through this port so the adapter never touches the database.
 */
export interface MockSettlementSource {
  /** PAID payments of `provider` with paid_at in [from, to). */
  paidBetween(provider: string, from: Date, to: Date): Promise<MockSettledCandidate[]>;
  /** PENDING or EXPIRED payments of `provider` created in [from, to). */
  unpaidCreatedBetween(provider: string, from: Date, to: Date): Promise<MockSettledCandidate[]>;
}

export const MOCK_SETTLEMENT_FAULTS = ['drop_one', 'alter_amount', 'add_unknown', 'include_pending'] as const;
export type MockSettlementFault = (typeof MOCK_SETTLEMENT_FAULTS)[number];

export interface MockSettlementOptions {
  source: MockSettlementSource;
  criteria: MerchantCriteria;
  mdr: MdrSettings;
  /** Discrepancies to inject, for exercising reconciliation. */
  faults: MockSettlementFault[];
}

export function parseMockSettlementFaults(value: string | undefined): MockSettlementFault[] {
  if (!value) return [];
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part): part is MockSettlementFault => (MOCK_SETTLEMENT_FAULTS as readonly string[]).includes(part));
}

export const MOCK_ALTERED_BY = 1_000;
/** include_pending settles unpaid orders whose order_id contains this (a test-mode order id). */
export const MOCK_SETTLED_MARKER = 'MOCK_SETTLED';
export const mockUnknownTrxId = (date: string) => `MOCKUNKNOWN${date.replaceAll('-', '')}`;

/**
 * The mock's settlement for one Jakarta day: every PAID payment of that day, fee by MDR, net = amount −
 * fee, rows ordered by trx id. Injected faults pick their targets by order_id, so a test controls them
 * and a rerun hits the same ones: the first paid order is dropped, the next one's amount is raised by
 * Rp 1,000, and unpaid (PENDING/EXPIRED) orders of the day whose order_id contains MOCK_SETTLED are
 * settled anyway (once reconciliation marks them PAID they are settled as usual).
 */
export async function buildMockSettlement(provider: string, date: string, options: MockSettlementOptions): Promise<SettlementRow[]> {
  const { from, to } = jakartaDayRange(date);
  const byOrder = (a: MockSettledCandidate, b: MockSettledCandidate) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0);
  const paid = (await options.source.paidBetween(provider, from, to)).sort(byOrder);
  const faults = new Set(options.faults);
  const fileId = `mock-settlement-${date}`;
  const row = (trxId: string, amount: number, paidAt: Date | null): SettlementRow => {
    const fee = mdrFee(amount, options.criteria, options.mdr);
    return { providerTrxId: trxId, amount, fee, netAmount: amount - fee, settlementDate: date, fileId, paidAt };
  };

  const settled = faults.has('drop_one') ? paid.slice(1) : paid;
  const rows = settled.map((p, i) => row(p.providerTrxId, p.amount + (faults.has('alter_amount') && i === 0 ? MOCK_ALTERED_BY : 0), p.paidAt));
  if (faults.has('include_pending')) {
    const unpaid = await options.source.unpaidCreatedBetween(provider, from, to);
    for (const p of unpaid.filter((u) => u.orderId.includes(MOCK_SETTLED_MARKER))) rows.push(row(p.providerTrxId, p.amount, p.createdAt));
  }
  if (faults.has('add_unknown')) rows.push(row(mockUnknownTrxId(date), 10_000, from));
  return rows.sort((a, b) => (a.providerTrxId < b.providerTrxId ? -1 : a.providerTrxId > b.providerTrxId ? 1 : 0));
}
