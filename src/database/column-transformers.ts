import { ValueTransformer } from 'typeorm';
import { formatRupiahDecimal, parseRupiah } from '../common/money/rupiah';

/** decimal(15,2) in the database, whole rupiah (integer) in code. */
export const rupiahColumn: ValueTransformer = {
  to: (value: number | null | undefined) => (value === null || value === undefined ? value : formatRupiahDecimal(value)),
  from: (value: string | number | null) => (value === null || value === undefined ? value : parseRupiah(value)),
};

/**
 * JSON stored in a json/jsonb column (MySQL, PostgreSQL) or text (SQLite). Drivers for the first two
 * hand back parsed objects, SQLite hands back text; both are accepted.
 */
export const jsonColumn: ValueTransformer = {
  to: (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value)),
  from: (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : (value ?? null)),
};
