export type DbKind = 'sqlite' | 'mysql' | 'postgres';

export const DEFAULT_DB_URL = 'sqlite:./data/payments.sqlite';

export interface ParsedDbUrl {
  kind: DbKind;
  /** For sqlite, the file path (or :memory:); otherwise the URL to hand to the driver. */
  target: string;
}

/** DB_URL picks the driver: sqlite:PATH, mysql:// (or mariadb://), postgres://. Empty means the SQLite default. */
export function parseDbUrl(url: string | undefined): ParsedDbUrl {
  const value = url?.trim() || DEFAULT_DB_URL;
  if (value.startsWith('sqlite:')) return { kind: 'sqlite', target: value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') };
  if (/^(mysql|mariadb):\/\//.test(value)) return { kind: 'mysql', target: value.replace(/^mariadb:/, 'mysql:') };
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', target: value };
  throw new Error('DB_URL must be sqlite:PATH, mysql://… or postgres://…');
}
