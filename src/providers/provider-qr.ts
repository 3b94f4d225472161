import { parseQris } from '../qris/qris-codec';
import { ProviderError } from './provider.errors';

/**
 * A real provider's QR string is passed through as-is (its acquirer data, reference labels and CRC are
 * the provider's), but only after it parses as a dynamic QRIS for our amount. Anything else is
 * ProviderError('rejected'): our request was accepted, so it is not `invalid_request` (nothing to fix
 * on our side), and the answer is definite, so it is not `indeterminate`; the payment stays CREATED and
 * the QR is never shown to a customer who could not pay it (or could pay a different amount).
 */
export function assertProviderQr(provider: string, qrString: unknown, amount: number): string {
  if (typeof qrString !== 'string' || qrString.length === 0) throw new ProviderError('rejected', `${provider} answered without a QR string`);
  let parsed;
  try {
    parsed = parseQris(qrString);
  } catch (error) {
    throw new ProviderError('rejected', `${provider} answered with an invalid QRIS payload: ${(error as Error).message}`);
  }
  if (parsed.initiation !== 'dynamic') throw new ProviderError('rejected', `${provider} answered with a static QRIS payload`);
  if (parsed.amountRupiah !== amount) {
    throw new ProviderError('rejected', `${provider} answered with a QR for ${parsed.amount ?? 'no amount'}, not ${amount}`);
  }
  return qrString;
}
