import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DbKind } from './database-url';
import { Sql } from './sql';

/**
 * Owns transactions. On MySQL and PostgreSQL each transaction gets its own pooled connection. SQLite
 * has one connection per process, and TypeORM would silently nest two concurrent transactions on it
 * as savepoints; so on SQLite transactions are queued, one at a time, in the same queue as the raw-SQL
 * units of `sql` (see Sql.exclusive). Every write goes through transaction() or `sql`, so an unrelated
 * write can never land inside someone else's transaction.
 */
@Injectable()
export class Db implements OnApplicationShutdown {
  readonly kind: DbKind;
  /** Raw, dialect-aware SQL for the hot paths (same connection, same SQLite queue). */
  readonly sql: Sql;

  constructor(readonly dataSource: DataSource) {
    const type = dataSource.options.type;
    this.kind = type === 'better-sqlite3' ? 'sqlite' : type === 'postgres' ? 'postgres' : 'mysql';
    this.sql = Sql.for(dataSource);
  }

  onApplicationShutdown(): Promise<void> {
    return this.sql.close();
  }

  /** For reads outside a transaction. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.kind !== 'sqlite') return this.dataSource.transaction(work);
    return this.sql.exclusive(() => this.dataSource.transaction(work));
  }
}
