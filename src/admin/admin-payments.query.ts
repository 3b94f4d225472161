import { AppError, FieldError } from '../common/errors/app-error';
import { PAYMENT_STATUSES, PaymentStatus } from '../payments/payment-state';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Where a keyset page starts: strictly after this row in (created_at DESC, id DESC) order. */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

export interface AdminPaymentFilter {
  status?: PaymentStatus;
  /** created_at >= from */
  from?: Date;
  /** created_at < before (exclusive; a date-only `to` means the whole day) */
  before?: Date;
  /** order_id or provider_trx_id, exactly */
  q?: string;
}

export interface AdminPaymentsQuery {
  filter: AdminPaymentFilter;
  limit: number;
  cursor?: PageCursor;
}

const LIST_PARAMS = ['status', 'from', 'to', 'q', 'cursor', 'limit'];
const CSV_PARAMS = ['status', 'from', 'to', 'q'];
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 24 * 60 * 60 * 1000;

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeCursor(text: string): PageCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [at, id] = value;
    if (typeof at !== 'string' || typeof id !== 'string' || !UUID.test(id)) return undefined;
    const createdAt = new Date(at);
    return Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at ? undefined : { createdAt, id };
  } catch {
    return undefined;
  }
}

/**
 * An ISO 8601 date or date-time; without an offset it is Asia/Jakarta time. A date alone is that
 * day's midnight in Jakarta. Returns whether it was a date alone, so `to` can include the whole day.
 */
export function parseJakartaInstant(text: string): { at: Date; dateOnly: boolean } | undefined {
  const date = DATE.exec(text);
  const dateTime = date ? undefined : DATE_TIME.exec(text);
  const parts = date ?? dateTime;
  if (!parts) return undefined;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  if (date) return { at: new Date(`${text}T00:00:00+07:00`), dateOnly: true };

  const [hour, minute, second] = [Number(dateTime![4]), Number(dateTime![5]), Number(dateTime![6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = dateTime![8];
  if (offset && offset !== 'Z' && (Number(offset.slice(1, 3)) > 14 || Number(offset.slice(4)) > 59)) return undefined;
  const at = new Date(offset ? text : `${text}+07:00`);
  return Number.isNaN(at.getTime()) ? undefined : { at, dateOnly: false };
}

function single(raw: Record<string, unknown>, name: string, errors: FieldError[]): string | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    errors.push({ field: name, message: `${name} must be given once` });
    return undefined;
  }
  return value;
}

function parse(raw: Record<string, unknown>, allowed: string[], paged: boolean): AdminPaymentsQuery {
  const errors: FieldError[] = [];
  for (const name of Object.keys(raw)) {
    if (!allowed.includes(name)) errors.push({ field: name, message: `${name} is not an accepted query parameter` });
  }
  const filter: AdminPaymentFilter = {};

  const status = single(raw, 'status', errors);
  if (status !== undefined) {
    if ((PAYMENT_STATUSES as readonly string[]).includes(status)) filter.status = status as PaymentStatus;
    else errors.push({ field: 'status', message: `status must be one of ${PAYMENT_STATUSES.join(', ')}` });
  }

  const from = single(raw, 'from', errors);
  if (from !== undefined) {
    const parsed = parseJakartaInstant(from);
    if (parsed) filter.from = parsed.at;
    else errors.push({ field: 'from', message: 'from must be an ISO 8601 date or date-time' });
  }

  const to = single(raw, 'to', errors);
  if (to !== undefined) {
    const parsed = parseJakartaInstant(to);
    // A date includes its whole day; a date-time is inclusive to the millisecond.
    if (parsed) filter.before = new Date(parsed.at.getTime() + (parsed.dateOnly ? DAY_MS : 1));
    else errors.push({ field: 'to', message: 'to must be an ISO 8601 date or date-time' });
  }
  if (filter.from && filter.before && filter.from >= filter.before) {
    errors.push({ field: 'to', message: 'to must not be before from' });
  }

  const q = single(raw, 'q', errors);
  if (q !== undefined) {
    if (q.length >= 1 && q.length <= 128) filter.q = q;
    else errors.push({ field: 'q', message: 'q must be 1-128 characters (an order_id or provider_trx_id)' });
  }

  let limit = DEFAULT_PAGE_SIZE;
  let cursor: PageCursor | undefined;
  if (paged) {
    const rawLimit = single(raw, 'limit', errors);
    if (rawLimit !== undefined) {
      if (/^\d{1,3}$/.test(rawLimit) && Number(rawLimit) >= 1 && Number(rawLimit) <= MAX_PAGE_SIZE) limit = Number(rawLimit);
      else errors.push({ field: 'limit', message: `limit must be an integer from 1 to ${MAX_PAGE_SIZE}` });
    }
    const rawCursor = single(raw, 'cursor', errors);
    if (rawCursor !== undefined) {
      cursor = decodeCursor(rawCursor);
      if (!cursor) errors.push({ field: 'cursor', message: 'cursor must be a next_cursor returned by this endpoint' });
    }
  }

  if (errors.length > 0) throw AppError.badRequest('INVALID_QUERY', 'The query parameters are invalid.', errors);
  return { filter, limit, cursor };
}

/** GET /admin/payments query string → filter, page size and cursor; 400 problem on anything invalid. */
export function parseListQuery(raw: Record<string, unknown> = {}): AdminPaymentsQuery {
  return parse(raw, LIST_PARAMS, true);
}

/** GET /admin/payments.csv query string → filter; the export always covers every matching row. */
export function parseCsvQuery(raw: Record<string, unknown> = {}): AdminPaymentFilter {
  return parse(raw, CSV_PARAMS, false).filter;
}
