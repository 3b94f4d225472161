/**
 * True when a database error is a unique-constraint violation, on any of our dialects:
 * PostgreSQL 23505, MySQL/MariaDB ER_DUP_ENTRY (1062), SQLite SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY.
 * TypeORM wraps driver errors in QueryFailedError and keeps the driver's fields on `driverError`.
 */
export function isUniqueViolation(error: unknown): boolean {
  const candidates = [error, (error as { driverError?: unknown })?.driverError];
  return candidates.some((e) => {
    const err = e as { code?: unknown; errno?: unknown } | undefined;
    if (!err) return false;
    return (
      err.code === '23505' ||
      err.code === 'ER_DUP_ENTRY' ||
      err.errno === 1062 ||
      err.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
      err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
    );
  });
}
