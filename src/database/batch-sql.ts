import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { DbKind } from './database-url';

/** Rows per multi-row INSERT; also keeps every statement far below each driver's parameter limit. */
const INSERT_ROWS = 500;

/** Positional parameters for one statement: `?` on SQLite/MySQL, `$n` on PostgreSQL. */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(private readonly create: (index: number) => string) {}

  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return this.create(this.values.length - 1);
  }

  /** A comma-separated placeholder list, for IN (…). */
  list(values: readonly unknown[]): string {
    return values.map((v) => this.add(v)).join(', ');
  }
}

export interface CasUpdate {
  /** Primary keys to try; the result holds only those this statement changed. */
  ids: readonly string[];
  /** The SET list. Called once per statement built. */
  set: (p: SqlParams) => string;
  /**
   * The compare part, ANDed with `id IN (…)`: what each row must still be for the change to apply. Refer
   * to indexed columns through BatchSql.unindexed, so that the rows are found by primary key.
   */
  expect: (p: SqlParams) => string;
  /** Property names to return for the changed rows (id is always returned). */
  returning: string[];
}

/**
 * Set-based SQL for the batch jobs, built from the entity metadata so that values are stored exactly as
 * TypeORM stores them (its own preparePersistentValue / prepareHydratedValue: dates, booleans, decimals,
 * JSON transformers) — without TypeORM's per-row query building. Use inside Db.transaction for writes.
 */
export class BatchSql {
  readonly kind: DbKind;

  constructor(readonly em: EntityManager) {
    const type = em.connection.options.type;
    this.kind = type === 'better-sqlite3' ? 'sqlite' : type === 'postgres' ? 'postgres' : 'mysql';
  }

  params(): SqlParams {
    const driver = this.em.connection.driver;
    return new SqlParams((index) => driver.createParameter('p', index));
  }

  table(entity: EntityTarget<ObjectLiteral>): string {
    return this.em.connection.driver.escape(this.em.connection.getMetadata(entity).tableName);
  }

  /** The escaped column name of an entity property. */
  col(entity: EntityTarget<ObjectLiteral>, property: string): string {
    return this.em.connection.driver.escape(this.column(entity, property).databaseName);
  }

  /**
   * A column reference the planner must not use an index for (SQLite: unary +). For the compare part of
   * casUpdate: without it SQLite prefers e.g. ix_payments_status_expires_at for `status = ? AND
   * expires_at <= ?` over 500 primary-key lookups, and scans every due row for each batch.
   */
  unindexed(entity: EntityTarget<ObjectLiteral>, property: string): string {
    return this.kind === 'sqlite' ? `+${this.col(entity, property)}` : this.col(entity, property);
  }

  /** A value as TypeORM would bind it for that column. */
  value(entity: EntityTarget<ObjectLiteral>, property: string, value: unknown): unknown {
    const persisted = this.em.connection.driver.preparePersistentValue(value, this.column(entity, property));
    return persisted === undefined ? null : persisted;
  }

  /** Rows of a SELECT (or, inside a transaction, of a statement with RETURNING). */
  async rows(sql: string, params: SqlParams): Promise<ObjectLiteral[]> {
    if (!this.em.queryRunner) return this.em.query(sql, params.values);
    return (await this.run(sql, params)).records ?? [];
  }

  /** A statement in the caller's transaction, with the driver's affected-row count. */
  async run(sql: string, params: SqlParams): Promise<{ records?: ObjectLiteral[]; affected?: number }> {
    if (!this.em.queryRunner?.isTransactionActive) throw new Error('BatchSql writes need a transaction (Db.transaction)');
    return this.em.queryRunner.query(sql, params.values, true);
  }

  /** A raw row (database column names) as a partial entity, hydrated the way find() does it. */
  hydrate<T extends ObjectLiteral>(entity: EntityTarget<T>, raw: ObjectLiteral): Partial<T> {
    const metadata = this.em.connection.getMetadata(entity);
    const out: ObjectLiteral = {};
    for (const key of Object.keys(raw)) {
      const column = metadata.findColumnWithDatabaseName(key);
      if (column) out[column.propertyName] = this.em.connection.driver.prepareHydratedValue(raw[key], column);
    }
    return out as Partial<T>;
  }

  /** Multi-row INSERT of whole entities (every column), INSERT_ROWS rows a statement. */
  async insertMany<T extends ObjectLiteral>(entity: EntityTarget<T>, rows: readonly T[]): Promise<void> {
    const metadata = this.em.connection.getMetadata(entity);
    const driver = this.em.connection.driver;
    const columns = metadata.columns;
    const head = `INSERT INTO ${this.table(entity)} (${columns.map((c) => driver.escape(c.databaseName)).join(', ')}) VALUES `;
    for (let at = 0; at < rows.length; at += INSERT_ROWS) {
      const p = this.params();
      const tuples = rows.slice(at, at + INSERT_ROWS).map((row) => {
        const values = columns.map((c) => {
          const v = driver.preparePersistentValue(c.getEntityValue(row), c);
          return p.add(v === undefined ? null : v);
        });
        return `(${values.join(', ')})`;
      });
      await this.run(head + tuples.join(', '), p);
    }
  }

  /**
   * One compare-and-set over many rows, returning exactly the rows this transaction changed.
   * PostgreSQL and SQLite (≥ 3.35): UPDATE … RETURNING. MySQL/MariaDB have no UPDATE … RETURNING:
   * SELECT … FOR UPDATE (primary-key lookups only, in id order) locks the rows that still match, then the
   * UPDATE changes exactly those; the locks hold until commit, so nobody else can change them in between.
   * Must run inside a transaction.
   */
  async casUpdate(entity: EntityTarget<ObjectLiteral>, cas: CasUpdate): Promise<ObjectLiteral[]> {
    if (cas.ids.length === 0) return [];
    const table = this.table(entity);
    const id = this.col(entity, 'id');
    const returning = [...new Set(['id', ...cas.returning])].map((prop) => this.col(entity, prop)).join(', ');
    if (this.kind !== 'mysql') {
      const p = this.params();
      const set = cas.set(p);
      const where = `${id} IN (${p.list(cas.ids)}) AND ${cas.expect(p)}`;
      return this.rows(`UPDATE ${table} SET ${set} WHERE ${where} RETURNING ${returning}`, p);
    }
    const s = this.params();
    const locked = await this.rows(
      `SELECT ${returning} FROM ${table} FORCE INDEX (PRIMARY) WHERE ${id} IN (${s.list(cas.ids)}) AND ${cas.expect(s)} ORDER BY ${id} FOR UPDATE`,
      s,
    );
    if (locked.length === 0) return [];
    const u = this.params();
    const set = cas.set(u);
    const result = await this.run(`UPDATE ${table} SET ${set} WHERE ${id} IN (${u.list(locked.map((r) => r.id))}) AND ${cas.expect(u)}`, u);
    if (result.affected !== locked.length) {
      // Cannot happen while the locks hold; fail the transaction rather than log a change that did not apply.
      throw new Error(`compare-and-set changed ${result.affected} of ${locked.length} locked rows`);
    }
    return locked;
  }

  private column(entity: EntityTarget<ObjectLiteral>, property: string): ColumnMetadata {
    const column = this.em.connection.getMetadata(entity).findColumnWithPropertyName(property);
    if (!column) throw new Error(`no column for property ${property}`);
    return column;
  }
}
