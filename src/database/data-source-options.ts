import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { parseDbUrl } from './database-url';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DatabaseSettings {
  url?: string;
  migrationsRun: boolean;
  /** SQLite's PRAGMA synchronous; NORMAL with WAL survives process crashes, FULL also power loss. */
  sqliteSynchronous: string;
  /** MySQL/MariaDB and PostgreSQL: connections of TypeORM's pool (DB_POOL_SIZE); 20 when not given. */
  poolSize?: number;
}

export const DEFAULT_POOL_SIZE = 20;

export function buildDataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  const { kind, target } = parseDbUrl(settings.url);
  const poolSize = settings.poolSize ?? DEFAULT_POOL_SIZE;
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: settings.migrationsRun,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };

  if (kind === 'sqlite') {
    if (target !== ':memory:') mkdirSync(dirname(target), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: target,
      enableWAL: true,
      // Writers queue behind each other instead of failing with SQLITE_BUSY (several processes on one file).
      timeout: 10_000,
      prepareDatabase: (db: { pragma: (sql: string) => unknown }) => {
        db.pragma(`synchronous = ${settings.sqliteSynchronous}`);
        // Group commit runs each unit in a SAVEPOINT, and SQLite keeps the pages a savepoint may have to
        // restore in a sub-journal that spills to a temp file past 64 KiB: with the default temp_store that
        // was a file created, written page by page and unlinked in /var/tmp for every group (about 2 write
        // syscalls per page). In memory it is a few hundred KiB per group at most.
        db.pragma('temp_store = MEMORY');
      },
    };
  }

  if (kind === 'mysql') {
    return {
      ...common,
      type: 'mysql',
      url: target,
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      supportBigNumbers: true,
      bigNumberStrings: true,
      extra: { connectionLimit: poolSize },
    };
  }

  return { ...common, type: 'postgres', url: target, extra: { max: poolSize } };
}
