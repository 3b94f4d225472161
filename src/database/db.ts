import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DbKind } from './database-url';

/**
 * Owns transactions. On MySQL and PostgreSQL each transaction gets its own pooled connection. SQLite
 * has one connection per process, and TypeORM would silently nest two concurrent transactions on it
 * as savepoints; so on SQLite transactions are queued here, one at a time. Every write goes through
 * transaction(), so an unrelated write can never land inside someone else's transaction.
 */
@Injectable()
export class Db {
  readonly kind: DbKind;
  private sqliteQueue: Promise<unknown> = Promise.resolve();

  constructor(readonly dataSource: DataSource) {
    const type = dataSource.options.type;
    this.kind = type === 'better-sqlite3' ? 'sqlite' : type === 'postgres' ? 'postgres' : 'mysql';
  }

  /** For reads outside a transaction. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.kind !== 'sqlite') return this.dataSource.transaction(work);
    const run = this.sqliteQueue.then(() => this.dataSource.transaction(work));
    this.sqliteQueue = run.catch(() => undefined);
    return run;
  }
}
