import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tryParseRupiah } from '../../common/money/rupiah';
import { isCalendarDate } from '../../common/time/jakarta-day';
import { ProviderError } from '../provider.errors';
import { SettlementRow } from '../qris-provider';
import { parseSnapTime } from './snap.mapping';

/**
 * DOKU and NICEPAY have no settlement API (reports arrive by e-mail/SFTP or from the merchant portal), so
 * reconciliation reads an export the operator drops at `<SNAP_SETTLEMENT_DIR>/<YYYY-MM-DD>.csv`
 * (the Jakarta settlement day). Our columns, by header name, in any order; extra columns are ignored:
 *
 *   reference_no     required  the provider's referenceNo (our provider_trx_id)
 *   amount           required  whole rupiah, "10000" or "10000.00"
 *   fee              required  MDR charged, whole rupiah
 *   net_amount       optional  defaults to amount - fee
 *   settlement_date  optional  YYYY-MM-DD, defaults to the file's date
 *   paid_at          optional  ISO 8601 with offset
 *
 * A missing file is "unavailable" (reconciliation retries later); a malformed file is "invalid_request"
 * naming the line, never a partial result.
 */
export async function readSettlementCsv(directory: string | undefined, date: string, provider: string): Promise<SettlementRow[]> {
  if (!directory) throw new ProviderError('unavailable', `${provider} has no settlement API and SNAP_SETTLEMENT_DIR is not set`);
  if (!isCalendarDate(date)) throw new ProviderError('invalid_request', `not a YYYY-MM-DD date: ${date}`);
  const file = join(directory, `${date}.csv`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ProviderError('unavailable', `no settlement export for ${date} (${date}.csv)`);
    throw new ProviderError('unavailable', `settlement export for ${date} unreadable: ${(error as Error).message}`);
  }
  return parseSettlementCsv(text, date, `${date}.csv`);
}

export function parseSettlementCsv(text: string, date: string, fileId: string): SettlementRow[] {
  const lines = parseCsv(text.replace(/^\uFEFF/, ''));
  if (lines.length === 0) throw new ProviderError('invalid_request', `${fileId}: empty file (a header line is required)`);
  const header = lines[0].map((name) => name.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  for (const required of ['reference_no', 'amount', 'fee']) {
    if (col(required) < 0) throw new ProviderError('invalid_request', `${fileId}: missing column ${required}`);
  }
  const rows: SettlementRow[] = [];
  lines.slice(1).forEach((cells, index) => {
    if (cells.every((cell) => cell.trim() === '')) return;
    const lineNo = index + 2;
    const cell = (name: string) => (col(name) >= 0 ? (cells[col(name)] ?? '').trim() : '');
    const bad = (what: string) => new ProviderError('invalid_request', `${fileId} line ${lineNo}: ${what}`);
    const providerTrxId = cell('reference_no');
    if (!providerTrxId) throw bad('reference_no is empty');
    const amount = tryParseRupiah(cell('amount'));
    const fee = tryParseRupiah(cell('fee'));
    if (amount === null) throw bad('amount is not a whole rupiah amount');
    if (fee === null) throw bad('fee is not a whole rupiah amount');
    const netText = cell('net_amount');
    const netAmount = netText === '' ? amount - fee : tryParseRupiah(netText);
    if (netAmount === null) throw bad('net_amount is not a whole rupiah amount');
    const settlementDate = cell('settlement_date') || date;
    if (!isCalendarDate(settlementDate)) throw bad('settlement_date is not YYYY-MM-DD');
    const paidText = cell('paid_at');
    const paidAt = paidText === '' ? null : parseSnapTime(paidText);
    if (paidText !== '' && !paidAt) throw bad('paid_at is not ISO 8601');
    rows.push({ providerTrxId, amount, fee, netAmount, settlementDate, fileId, paidAt });
  });
  return rows;
}

/** RFC 4180: comma-separated, double-quoted cells with "" escapes, CRLF or LF line ends. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
