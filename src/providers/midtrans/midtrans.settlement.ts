import { tryParseRupiah } from '../../common/money/rupiah';
import { SettlementRow } from '../qris-provider';
import { midtransDay } from './midtrans.mapping';

/**
 * Midtrans has no settlement API (providers.md §2): reconciliation reads the transaction report the
 * merchant exports from the Midtrans dashboard (Transactions → Download, CSV), saved as
 * MIDTRANS_SETTLEMENT_DIR/<YYYY-MM-DD>.csv for the Jakarta day it covers.
 *
 * Midtrans does not publish the export's column list, so the columns are matched by header name
 * (case- and space-insensitive), with the aliases seen in dashboard exports:
 *
 *   required  Transaction ID            → provider_trx_id (Midtrans transaction_id, a UUID)
 *   required  Gross Amount | Amount      → amount, whole rupiah ("275000" or "275000.00"; no separators)
 *   required  Transaction Status | Status → only `settlement` (and `capture`) rows are settled
 *   optional  Order ID                   → ignored (our payment id; the trx id is the join key)
 *   optional  Settlement Time            → settlement date (Jakarta day of "YYYY-MM-DD HH:mm:ss");
 *                                          absent: the file's day
 *   optional  Transaction Time           → paid_at fallback is not taken from it (it is creation time)
 *   optional  Fee | MDR | Fee Amount     → fee, default 0
 *   optional  Net Amount | Net           → default amount − fee
 *
 * A row whose amount is not an exact whole-rupiah value makes the whole file invalid (a silently
 * skipped row would look like a missing settlement).
 */
const COLUMNS = {
  trxId: ['transactionid'],
  amount: ['grossamount', 'amount'],
  status: ['transactionstatus', 'status'],
  settlementTime: ['settlementtime'],
  fee: ['fee', 'mdr', 'feeamount'],
  net: ['netamount', 'net'],
} as const;

const SETTLED = new Set(['settlement', 'capture']);

export class MidtransSettlementFileError extends Error {}

export function parseMidtransSettlementCsv(text: string, date: string, fileId: string): SettlementRow[] {
  const records = parseCsv(text.replace(/^\uFEFF/, ''));
  if (records.length === 0) return [];
  const header = records[0].map((h) => h.toLowerCase().replace(/[^a-z]/g, ''));
  const index = (names: readonly string[]) => header.findIndex((h) => names.includes(h));
  const at = { trxId: index(COLUMNS.trxId), amount: index(COLUMNS.amount), status: index(COLUMNS.status), settlementTime: index(COLUMNS.settlementTime), fee: index(COLUMNS.fee), net: index(COLUMNS.net) };
  for (const required of ['trxId', 'amount', 'status'] as const) {
    if (at[required] < 0) throw new MidtransSettlementFileError(`settlement file ${fileId} has no ${COLUMNS[required].join('/')} column`);
  }

  const rows: SettlementRow[] = [];
  records.slice(1).forEach((record, i) => {
    if (record.every((cell) => cell.trim() === '')) return;
    const cell = (column: number) => (column >= 0 ? (record[column] ?? '').trim() : '');
    if (!SETTLED.has(cell(at.status).toLowerCase())) return;
    const line = i + 2;
    const trxId = cell(at.trxId);
    if (!trxId) throw new MidtransSettlementFileError(`settlement file ${fileId} line ${line}: empty Transaction ID`);
    const amount = tryParseRupiah(cell(at.amount));
    if (amount === null) throw new MidtransSettlementFileError(`settlement file ${fileId} line ${line}: amount is not whole rupiah`);
    const fee = cell(at.fee) === '' ? 0 : tryParseRupiah(cell(at.fee));
    if (fee === null) throw new MidtransSettlementFileError(`settlement file ${fileId} line ${line}: fee is not whole rupiah`);
    const net = cell(at.net) === '' ? amount - fee : tryParseRupiah(cell(at.net));
    if (net === null) throw new MidtransSettlementFileError(`settlement file ${fileId} line ${line}: net amount is not whole rupiah`);
    rows.push({ providerTrxId: trxId, amount, fee, netAmount: net, settlementDate: midtransDay(cell(at.settlementTime)) ?? date, fileId });
  });
  return rows;
}

/** RFC 4180 CSV: quoted fields with "" escapes and embedded commas/newlines; CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
