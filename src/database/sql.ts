import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { formatRupiahDecimal, parseRupiah } from '../common/money/rupiah';
import { DbKind } from './database-url';
import { MysqlGroupCommit } from './mysql-group-commit';

/**
 * A small raw-SQL layer for the hot paths, beside TypeORM (which keeps the schema, migrations and every
 * other query). Statements are written once with `?` placeholders and unquoted snake_case identifiers;
 * `stmt()` turns them into the dialect's form ($1… on PostgreSQL) once and caches the result.
 *
 * Values keep exactly the stored forms TypeORM uses, so rows written here read back the same through
 * TypeORM and vice versa:
 * - Date: SQLite text 'YYYY-MM-DD HH:MM:SS.SSS' (UTC); MySQL datetime(3) through mysql2 with timezone 'Z';
 *   PostgreSQL timestamptz. Use `dateParam()` / `readDate()`.
 * - JSON: text on SQLite, json (MariaDB: longtext) / jsonb elsewhere; written as JSON text, read as either.
 * - money: decimal(15,2) written as '150000.00', read by parseRupiah.
 *
 * Units of work are generators that yield statements (`run`, `get`, `all`) and receive their results, so
 * one piece of code runs synchronously on SQLite (on the better-sqlite3 handle TypeORM owns, with cached
 * prepared statements, inside BEGIN IMMEDIATE … COMMIT, no await in between; units that queue up together
 * share one COMMIT, see grouped()) and asynchronously on MySQL (grouped the same way, see MysqlGroupCommit)
 * and PostgreSQL (one pooled connection per unit).
 *
 * SQLite has one connection per process: every write transaction of the process — TypeORM's through
 * Db.transaction and the units here — runs in one queue (`exclusive`), so they never interleave. A unit
 * whose queue is empty runs at once, synchronously.
 */

export type StatementMode = 'run' | 'get' | 'all';

/** A statement in its dialect's text. `run` yields the affected row count, `get` a row or undefined, `all` rows. */
export class Statement {
  constructor(
    readonly text: string,
    readonly mode: StatementMode,
  ) {}
}

export interface SqlOp {
  readonly statement: Statement;
  readonly params: readonly unknown[];
  /**
   * Set by write() only (and, on its batch, writeAll()): the unit's one step, after which it returns its
   * result as it is, so MySQL's group commit may send the COMMIT in the same round trip. Not for other
   * units: one that went on, or failed, after a step marked so would find that step already committed.
   */
  readonly last?: true;
}

/**
 * Write statements that go out together as one step of a unit (only writeAll makes one): the unit gets
 * each one's affected row count, in order.
 */
export interface SqlBatch {
  readonly batch: readonly SqlOp[];
  /** As SqlOp's: nothing follows the batch, and the unit returns its counts as they are. */
  readonly last?: true;
}

export type SqlStep = SqlOp | SqlBatch;

/** The statements of a step, one or a batch. */
export function statementsOf(step: SqlStep): readonly SqlOp[] {
  return 'batch' in step ? step.batch : [step];
}

/** A unit of work: `const changed: number = yield sql.op(UPDATE, [..])`. */
export type SqlUnit<T> = Generator<SqlStep, T, any>;

export type Row = Record<string, any>;

interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

interface SqliteHandle {
  prepare(text: string): SqliteStatement;
  readonly inTransaction: boolean;
}

const INSTANCES = new WeakMap<DataSource, Sql>();

/** The last datetime formatted: a unit writes the same `now` several times (created_at, updated_at, its log's). */
let lastDatetime = { time: NaN, text: '' };

/**
 * 'YYYY-MM-DD HH:MM:SS.SSS' in UTC: TypeORM's stored form of a datetime on SQLite (~8 per create). Built
 * from the UTC getters: Date#toISOString goes through V8's generic, printf-style date formatter, which was
 * ~4 % of a create's CPU. V8 keeps the result as a chain of concatenated pieces until something flattens
 * it (binding it to a statement does), so this suits values handed to the driver at once, not strings that
 * pile up (see toJakartaIso). Years outside 1000-9999 (and invalid dates, with toISOString's RangeError)
 * take toISOString itself.
 */
export function sqliteDatetime(date: Date): string {
  const time = date.getTime();
  if (time === lastDatetime.time) return lastDatetime.text;
  const year = date.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) {
    const iso = date.toISOString();
    // YYYY-MM-DDTHH:MM:SS.SSSZ for years 0000-9999; extended years (±YYYYYY) are left as they are.
    return iso.length === 24 ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}` : iso;
  }
  const ms = date.getUTCMilliseconds();
  const text =
    `${year}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}`;
  lastDatetime = { time, text };
  return text;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** Exactly the form sqliteDatetime writes (UTC, milliseconds). */
const SQLITE_DATETIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/;

export class Sql {
  readonly dialect: DbKind;
  /** Per mode, keyed by the template itself: the templates are constants, so the lookup hashes nothing new. */
  private readonly statements: Record<StatementMode, Map<string, Statement>> = { run: new Map(), get: new Map(), all: new Map() };
  private handle: SqliteHandle | null = null;
  private prepared = new Map<string, SqliteStatement>();
  private readonly begin: Statement;
  private readonly commit: Statement;
  private readonly rollback: Statement;
  private readonly savepoint: Statement;
  private readonly release: Statement;
  private readonly rollbackTo: Statement;
  /** SQLite: the group of units still accepting members (see grouped). */
  private openGroup: GroupEntry[] | null = null;
  /** MySQL/MariaDB: group commit on a pool of its own (see MysqlGroupCommit). */
  private readonly mysqlGroups: MysqlGroupCommit | null;

  // SQLite: the process-wide write queue (shared with Db.transaction).
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;

  private constructor(readonly dataSource: DataSource) {
    const type = dataSource.options.type;
    this.dialect = type === 'better-sqlite3' ? 'sqlite' : type === 'postgres' ? 'postgres' : 'mysql';
    this.begin = new Statement('BEGIN IMMEDIATE', 'run');
    this.commit = new Statement('COMMIT', 'run');
    this.rollback = new Statement('ROLLBACK', 'run');
    this.savepoint = new Statement('SAVEPOINT unit', 'run');
    this.release = new Statement('RELEASE unit', 'run');
    this.rollbackTo = new Statement('ROLLBACK TO unit', 'run');
    this.mysqlGroups = this.dialect === 'mysql' ? new MysqlGroupCommit(dataSource, (unit) => this.pooledTransaction(unit)) : null;
  }

  /** One per DataSource, so Db and free functions given only an EntityManager share the queue and caches. */
  static for(dataSource: DataSource): Sql {
    let sql = INSTANCES.get(dataSource);
    if (!sql) {
      sql = new Sql(dataSource);
      INSTANCES.set(dataSource, sql);
    }
    return sql;
  }

  // ---- statements and values -------------------------------------------------------------------

  /** The statement for a `?`-placeholder template, converted for the dialect once and cached. */
  stmt(template: string, mode: StatementMode): Statement {
    const cache = this.statements[mode];
    let statement = cache.get(template);
    if (!statement) {
      let text = template;
      if (this.dialect === 'postgres') {
        let n = 0;
        text = template.replace(/\?/g, () => `$${++n}`);
      }
      statement = new Statement(text, mode);
      cache.set(template, statement);
    }
    return statement;
  }

  op(statement: Statement, params: readonly unknown[]): SqlOp {
    return { statement, params };
  }

  /** SQL for the text of a top-level field of a JSON column (`column` and `key`: constant identifiers). */
  jsonText(column: string, key: string): string {
    switch (this.dialect) {
      case 'postgres':
        return `${column} ->> '${key}'`;
      case 'mysql':
        return `JSON_UNQUOTE(JSON_EXTRACT(${column}, '$.${key}'))`;
      case 'sqlite':
        return `json_extract(${column}, '$.${key}')`;
    }
  }

  /** An identifier quoted for the dialect (none of the hot-path columns needs it; for completeness). */
  quote(identifier: string): string {
    return this.dialect === 'mysql' ? `\`${identifier.replace(/`/g, '``')}\`` : `"${identifier.replace(/"/g, '""')}"`;
  }

  /** A Date as a statement parameter, in the column's stored form. */
  dateParam(date: Date | null | undefined): unknown {
    if (date === null || date === undefined) return null;
    return this.dialect === 'sqlite' ? sqliteDatetime(date) : date;
  }

  /** A datetime column value as read by the driver (SQLite text, Date elsewhere), as TypeORM hydrates it. */
  readDate(value: unknown): Date | null {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return value;
    if (typeof value === 'string' && SQLITE_DATETIME.test(value)) {
      // What sqliteDatetime writes, read without building an ISO string first (a hot path of every read).
      return new Date(Date.UTC(+value.slice(0, 4), +value.slice(5, 7) - 1, +value.slice(8, 10), +value.slice(11, 13), +value.slice(14, 16), +value.slice(17, 19), +value.slice(20, 23)));
    }
    let text = String(value);
    if (/^\d\d\d\d-\d\d-\d\d \d\d:\d\d/.test(text)) text = text.replace(' ', 'T');
    if (/^\d\d\d\d-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d\d\d)?)?$/.test(text)) text += 'Z';
    return new Date(text);
  }

  jsonParam(value: unknown): string | null {
    return value === null || value === undefined ? null : JSON.stringify(value);
  }

  readJson<T = any>(value: unknown): T | null {
    return typeof value === 'string' ? JSON.parse(value) : ((value ?? null) as T | null);
  }

  moneyParam(amount: number): string {
    return formatRupiahDecimal(amount);
  }

  readMoney(value: unknown): number {
    return parseRupiah(value as string | number);
  }

  // ---- running units ---------------------------------------------------------------------------

  /**
   * Runs the unit in a transaction; it settles once that transaction has committed. SQLite: in the write
   * queue, synchronously between BEGIN IMMEDIATE and COMMIT, grouped with the units queued beside it.
   * MySQL: grouped likewise (MysqlGroupCommit). PostgreSQL: alone on one pooled connection.
   */
  transaction<T>(unit: () => SqlUnit<T>): Promise<T> {
    if (this.dialect === 'sqlite') return this.grouped(unit);
    if (this.mysqlGroups) return this.mysqlGroups.run(unit);
    return this.pooledTransaction(unit);
  }

  /**
   * One write statement, atomic on its own: SQLite and MySQL run it as a unit of the next group;
   * PostgreSQL in autocommit on a pooled connection. Resolves to the affected row count.
   */
  write(statement: Statement, params: readonly unknown[]): Promise<number> {
    if (this.dialect === 'sqlite') return this.grouped(() => singleRun(statement, params));
    if (this.mysqlGroups) return this.mysqlGroups.run(() => singleRun(statement, params), true);
    return this.pooled((runner) => this.runnerExec(runner, statement, params) as Promise<number>);
  }

  /**
   * Write statements as one atomic unit that runs no code between or after them (a row and its log line):
   * MySQL sends them in one wave, with the COMMIT when every unit of that wave allows it (see
   * MysqlGroupCommit), so such a unit alone costs one round trip; SQLite and PostgreSQL run them in order.
   * Resolves to each one's affected row count.
   */
  writeAll(ops: readonly SqlOp[]): Promise<number[]> {
    if (this.dialect === 'sqlite') return this.grouped(() => batchRun(ops));
    if (this.mysqlGroups) return this.mysqlGroups.run(() => batchRun(ops), true);
    return this.pooledTransaction(() => batchRun(ops));
  }

  /**
   * Runs the unit inside the caller's TypeORM transaction (em from Db.transaction or dataSource.transaction)
   * or, with no transaction, statement by statement. Reads need no transaction; writes given no `em` in a
   * transaction must use transaction() or write() instead.
   */
  within<T>(em: EntityManager | undefined, unit: () => SqlUnit<T>): Promise<T> {
    if (this.dialect === 'sqlite') {
      try {
        return Promise.resolve(this.drive(unit()));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const runner = em?.queryRunner;
    if (runner && !runner.isReleased) return this.driveAsync(unit(), runner);
    return this.pooled((fresh) => this.driveAsync(unit(), fresh));
  }

  /** A single read outside any transaction. */
  get<T = Row>(statement: Statement, params: readonly unknown[]): Promise<T | undefined> {
    if (this.dialect === 'sqlite') {
      try {
        return Promise.resolve(this.sqliteExec(statement, params) as T | undefined);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.mysqlGroups) return this.mysqlGroups.query(statement, params) as Promise<T | undefined>;
    return this.pooled((runner) => this.runnerExec(runner, statement, params) as Promise<T | undefined>);
  }

  /** Ends what this layer opened beside TypeORM's pool (MySQL's group-commit pool). */
  close(): Promise<void> {
    return this.mysqlGroups ? this.mysqlGroups.close() : Promise.resolve();
  }

  /**
   * SQLite: runs `task` when every write queued before it has finished; at once (synchronously) when
   * nothing is queued. Db.transaction queues TypeORM transactions here too.
   */
  exclusive<T>(task: () => T | Promise<T>): Promise<T> {
    if (this.queued === 0) {
      // Nothing queued or running: a synchronous task runs to completion here, alone.
      let result: T | Promise<T>;
      try {
        result = task();
      } catch (error) {
        return Promise.reject(error);
      }
      if (!(result instanceof Promise)) return Promise.resolve(result);
      return this.track(result);
    }
    return this.track(this.queue.then(task));
  }

  private track<T>(run: Promise<T>): Promise<T> {
    this.queued++;
    const done = () => {
      this.queued--;
    };
    this.queue = run.then(done, done);
    return run;
  }

  // ---- SQLite ----------------------------------------------------------------------------------

  private sqlite(): SqliteHandle {
    const handle = (this.dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
    if (handle !== this.handle) {
      this.handle = handle;
      this.prepared = new Map();
    }
    return handle;
  }

  private sqliteExec(statement: Statement, params: readonly unknown[]): unknown {
    const handle = this.sqlite();
    let prepared = this.prepared.get(statement.text);
    if (!prepared) {
      prepared = handle.prepare(statement.text);
      this.prepared.set(statement.text, prepared);
    }
    const values = params.map(sqliteValue);
    switch (statement.mode) {
      case 'run':
        return prepared.run(...values).changes;
      case 'get':
        return prepared.get(...values);
      case 'all':
        return prepared.all(...values);
    }
  }

  /**
   * Group commit. Units queued while the write queue is busy or within one event-loop turn run together
   * in one BEGIN IMMEDIATE … COMMIT: a unit that throws is undone alone (and its caller gets the error),
   * the others commit. Every caller's promise settles only after the COMMIT, so what a unit wrote is durable
   * (as PRAGMA synchronous defines it) when its caller continues; units run one after another, so the
   * outcome is that of serial transactions. A COMMIT costs a WAL append (100-500 µs here) whatever it
   * carries; this spreads it over the group.
   *
   * Units run without savepoints: SQLite undoes a failed statement by itself, so a unit that fails at its
   * first statement (a duplicate order, event or idempotency key: the usual failures) has nothing to undo.
   * Only a unit that fails after a statement went through needs its own undone; then the transaction is
   * rolled back and the whole group runs again, each unit inside a SAVEPOINT. A savepoint per unit costs
   * ~7 % of a create's CPU and ~20 % of a webhook's (SAVEPOINT and RELEASE, and a sub-journal copy of every
   * page the unit touches first), for a case that is rare. Units are therefore run twice at times: they
   * must have no effect outside their statements (all units do: they compute from their arguments and the
   * rows they read; MySQL's group commit asks the same).
   */
  private grouped<T>(unit: () => SqlUnit<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: GroupEntry = { unit, resolve: resolve as (value: unknown) => void, reject };
      if (this.openGroup) {
        this.openGroup.push(entry);
        return;
      }
      const group = [entry];
      this.openGroup = group;
      // Let the requests of this event-loop turn join, then take a place in the write queue.
      setImmediate(() => {
        void this.exclusive(() => this.runGroup(group));
      });
    });
  }

  private runGroup(group: GroupEntry[]): void {
    if (this.openGroup === group) this.openGroup = null;
    const handle = this.sqlite();
    let outcomes: GroupOutcomes | null = null;
    try {
      // Throws (and changes nothing) if a transaction is open on the handle outside the queue.
      this.sqliteExec(this.begin, []);
    } catch (error) {
      for (const entry of group) entry.reject(error);
      return;
    }
    try {
      outcomes = this.runUnits(group, handle, false);
      if (!outcomes) {
        this.sqliteExec(this.rollback, []);
        this.sqliteExec(this.begin, []);
        outcomes = this.runUnits(group, handle, true)!;
      }
      this.sqliteExec(this.commit, []);
    } catch (error) {
      if (handle.inTransaction) {
        try {
          this.sqliteExec(this.rollback, []);
        } catch {
          // Already rolled back by SQLite.
        }
      }
      for (const entry of group) entry.reject(error);
      return;
    }
    for (let i = 0; i < group.length; i++) {
      if (outcomes.errors[i] !== undefined) group[i].reject(outcomes.errors[i]);
      else group[i].resolve(outcomes.results[i]);
    }
  }

  /**
   * The group's units, one after another in the open transaction. Without savepoints, null when a unit
   * failed after one of its statements had gone through (see grouped). Throws when SQLite ended the
   * transaction itself (some errors, disk full or I/O, do): then nothing of the group is kept.
   */
  private runUnits(group: GroupEntry[], handle: SqliteHandle, savepoints: boolean): GroupOutcomes | null {
    const results: unknown[] = new Array(group.length);
    const errors: unknown[] = new Array(group.length);
    const progress = { statements: 0 };
    for (let i = 0; i < group.length; i++) {
      if (savepoints) this.sqliteExec(this.savepoint, []);
      progress.statements = 0;
      try {
        results[i] = this.drive(group[i].unit(), progress);
        if (savepoints) this.sqliteExec(this.release, []);
      } catch (error) {
        if (!handle.inTransaction) throw error;
        if (savepoints) {
          this.sqliteExec(this.rollbackTo, []);
          this.sqliteExec(this.release, []);
        } else if (progress.statements > 0) {
          return null;
        }
        errors[i] = error ?? new Error('unit failed');
      }
    }
    return { results, errors };
  }

  /** Runs the unit's statements synchronously; `progress` counts those that went through. */
  private drive<T>(unit: SqlUnit<T>, progress?: { statements: number }): T {
    let step = unit.next();
    while (!step.done) {
      const results: unknown[] = [];
      try {
        for (const op of statementsOf(step.value)) {
          results.push(this.sqliteExec(op.statement, op.params));
          if (progress) progress.statements++;
        }
      } catch (error) {
        unit.return(undefined as T);
        throw error;
      }
      step = unit.next('batch' in step.value ? results : results[0]);
    }
    return step.value;
  }

  // ---- MySQL / PostgreSQL ----------------------------------------------------------------------

  private async pooled<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner('master');
    try {
      return await work(runner);
    } finally {
      await runner.release();
    }
  }

  private pooledTransaction<T>(unit: () => SqlUnit<T>): Promise<T> {
    return this.pooled(async (runner) => {
      await runner.startTransaction();
      let result: T;
      try {
        result = await this.driveAsync(unit(), runner);
      } catch (error) {
        try {
          await runner.rollbackTransaction();
        } catch {
          // The connection is gone; the server rolls back on its own.
        }
        throw error;
      }
      await runner.commitTransaction();
      return result;
    });
  }

  private async driveAsync<T>(unit: SqlUnit<T>, runner: QueryRunner): Promise<T> {
    let step = unit.next();
    while (!step.done) {
      const results: unknown[] = [];
      try {
        for (const op of statementsOf(step.value)) results.push(await this.runnerExec(runner, op.statement, op.params));
      } catch (error) {
        unit.return(undefined as T);
        throw error;
      }
      step = unit.next('batch' in step.value ? results : results[0]);
    }
    return step.value;
  }

  private async runnerExec(runner: QueryRunner, statement: Statement, params: readonly unknown[]): Promise<unknown> {
    const values = params.map((value) => (value === undefined ? null : value));
    const result = await runner.query(statement.text, values, true);
    switch (statement.mode) {
      case 'run':
        return result.affected ?? 0;
      case 'get':
        return result.records?.[0];
      case 'all':
        return result.records ?? [];
    }
  }
}

interface GroupOutcomes {
  results: unknown[];
  errors: unknown[];
}

interface GroupEntry {
  unit: () => SqlUnit<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

function* singleRun(statement: Statement, params: readonly unknown[]): SqlUnit<number> {
  return yield { statement, params, last: true };
}

function* batchRun(ops: readonly SqlOp[]): SqlUnit<number[]> {
  return yield { batch: ops, last: true };
}

function sqliteValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return sqliteDatetime(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
