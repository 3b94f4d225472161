/**
 * Money is whole rupiah in code (a safe integer) and an exact decimal in the database. Values from the
 * database or a provider arrive as strings such as "150000.00" (MySQL/PostgreSQL decimals) or numbers
 * (SQLite); they are converted by string inspection, never by float arithmetic.
 */
export function parseRupiah(value: string | number | bigint): number {
  // SQLite hands back decimal(15,2) columns as numbers: a whole, non-negative one is already the answer.
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  const text = typeof value === 'string' ? value.trim() : String(value);
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) throw new RangeError(`not a rupiah amount: ${JSON.stringify(value)}`);
  if (match[2] && /[1-9]/.test(match[2])) throw new RangeError(`rupiah amount has a fraction: ${text}`);
  const whole = Number(match[1]);
  if (!Number.isSafeInteger(whole)) throw new RangeError(`rupiah amount out of range: ${text}`);
  return whole;
}

/** Like parseRupiah, but null for anything that is not an exact whole-rupiah amount. */
export function tryParseRupiah(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') return null;
  try {
    return parseRupiah(value);
  } catch {
    return null;
  }
}

/** The decimal(15,2) text stored in the database for a whole-rupiah amount. */
export function formatRupiahDecimal(amount: number): string {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`not a whole rupiah amount: ${amount}`);
  return `${amount}.00`;
}
