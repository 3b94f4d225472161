import type { MerchantCriteria } from '../../qris/qris-codec';

export interface MdrSettings {
  /** Basis points (1 bp = 0.01 %). */
  regularBps: number;
  umiBps: number;
  /** UMI transactions up to and including this amount pay no MDR. */
  umiFreeUpTo: number;
}

/** "0.7" → 70 basis points, by string inspection so no float ever touches money. */
export function percentToBasisPoints(percent: string): number {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(percent.trim());
  if (!match) throw new RangeError(`not a percentage with at most two decimals: ${percent}`);
  const bps = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (bps > 10_000) throw new RangeError(`percentage above 100: ${percent}`);
  return bps;
}

/**
 * The merchant discount rate on one QRIS transaction (Bank Indonesia, since 1 Dec 2024): UMI pays 0 %
 * up to Rp 500,000 and 0.3 % of the whole amount above it; other criteria 0.7 %. The fee is rounded
 * half-up to the whole rupiah (Rp 150 × 0.7 % = 1.05 → 1; Rp 1,500 × 0.7 % = 10.5 → 11).
 */
export function mdrFee(amount: number, criteria: MerchantCriteria, settings: MdrSettings): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`not a whole rupiah amount: ${amount}`);
  const bps = criteria === 'UMI' ? (amount <= settings.umiFreeUpTo ? 0 : settings.umiBps) : settings.regularBps;
  return Math.floor((amount * bps + 5_000) / 10_000);
}
