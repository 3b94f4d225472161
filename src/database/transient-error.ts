/**
 * True for errors that a retry of the whole transaction can cure: MySQL/MariaDB deadlock (1213) and lock
 * wait timeout (1205), PostgreSQL deadlock (40P01) and serialization failure (40001), SQLite busy.
 */
export function isTransientDbError(error: unknown): boolean {
  const candidates = [error, (error as { driverError?: unknown })?.driverError];
  return candidates.some((e) => {
    const err = e as { code?: unknown; errno?: unknown } | undefined;
    if (!err) return false;
    return (
      err.errno === 1213 ||
      err.errno === 1205 ||
      err.code === 'ER_LOCK_DEADLOCK' ||
      err.code === 'ER_LOCK_WAIT_TIMEOUT' ||
      err.code === '40P01' ||
      err.code === '40001' ||
      err.code === 'SQLITE_BUSY'
    );
  });
}
