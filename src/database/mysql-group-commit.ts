import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { SqlOp, SqlUnit, Statement } from './sql';
import { isTransientDbError } from './transient-error';

/** Units per group: enough to spread a COMMIT, few enough that the last one does not wait long behind the rest. */
const MAX_GROUP = 16;
/** Connections of the group-commit pool, beside TypeORM's own (20). */
const POOL_SIZE = 10;
/** Tries of a lost group's unit run alone, when it keeps meeting deadlocks (see runAloneRetrying). */
const ALONE_TRIES = 5;

/** The parts of mysql2's callback API used here. */
interface MysqlConnection {
  query(text: string, values: unknown[], callback: (error: MysqlError | null, results: any) => void): void;
  release(): void;
  destroy(): void;
}

interface MysqlPool {
  getConnection(callback: (error: MysqlError | null, connection: MysqlConnection) => void): void;
  query(text: string, values: unknown[], callback: (error: MysqlError | null, results: any) => void): void;
  end(callback: (error: unknown) => void): void;
}

interface MysqlError extends Error {
  errno?: number;
  code?: string;
  fatal?: boolean;
}

interface MysqlModule {
  createPool(options: Record<string, unknown>): MysqlPool;
}

interface GroupEntry {
  unit: () => SqlUnit<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Thrown out of a unit's statement, to tell it from an error the unit's own code threw. */
class StatementFailed {
  constructor(readonly error: unknown) {}
}

/**
 * Group commit on MySQL/MariaDB, the counterpart of Sql's on SQLite. Units that arrive within one event-loop
 * turn run one after another in one transaction on one connection, and every caller's promise settles
 * after its COMMIT, so the outcome is that of serial transactions.
 *
 * The point is round trips, which are most of a unit's cost here (each wakes the server and this process on
 * both sides of the loopback): START TRANSACTION travels in the same packet as the group's first statement
 * (a multi-statement query), and the group shares one COMMIT. Multi-statement queries are enabled on this
 * pool only; every statement sent on it is a constant template with `?` parameters, escaped by mysql2 as on
 * TypeORM's pool.
 *
 * Units run without savepoints (SAVEPOINT and its release are two more statements per unit for MariaDB,
 * which shares the machine's CPU): InnoDB undoes a failed statement by itself, so a unit that fails at its
 * first statement (a duplicate order, event or key: the usual failures) has nothing to undo, once `DO 0`'s
 * status flags show the transaction still open. Anything else — a unit failing after one of its statements
 * went through, a deadlock victim (InnoDB rolls back its whole transaction), a dropped connection — and
 * nothing of the group is kept: the connection is closed before any COMMIT, and each unit runs again,
 * alone, through `runAlone` (retried on a deadlock, see runAloneRetrying), except the one that failed on
 * its own, whose caller gets its error. A unit must therefore have no effect outside its statements (all
 * units do: they compute from their arguments and the rows they read).
 *
 * A unit's plain SELECTs see the group transaction's snapshot (REPEATABLE READ), which may predate the unit:
 * every unit that decides from what it read writes with a compare-and-set, which reads the current row, and
 * a compare-and-set that loses is retried by its caller (the webhook processor's LostRace).
 */
export class MysqlGroupCommit {
  private readonly logger = new Logger('MysqlGroupCommit');
  private pool: MysqlPool | null = null;
  private closed = false;
  private openGroup: GroupEntry[] | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly runAlone: <T>(unit: () => SqlUnit<T>) => Promise<T>,
  ) {}

  /** Runs the unit in the next group's transaction; settles after that transaction's COMMIT. */
  run<T>(unit: () => SqlUnit<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: GroupEntry = { unit, resolve: resolve as (value: unknown) => void, reject };
      if (this.openGroup && this.openGroup.length < MAX_GROUP) {
        this.openGroup.push(entry);
        return;
      }
      const group = [entry];
      this.openGroup = group;
      setImmediate(() => {
        if (this.openGroup === group) this.openGroup = null;
        void this.runGroup(group);
      });
    });
  }

  /**
   * One statement outside any transaction (reads), on TypeORM's own pool (its 20 connections, without a
   * QueryRunner per read): reads need no multi-statements and should not wait behind groups.
   */
  query(statement: Statement, params: readonly unknown[]): Promise<unknown> {
    const pool = (this.dataSource.driver as unknown as { pool?: MysqlPool }).pool ?? this.mysqlPool();
    return new Promise((resolve, reject) => {
      pool.query(statement.text, driverValues(params), (error, results) => {
        if (error) reject(error);
        else resolve(resultFor(statement, results));
      });
    });
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    this.closed = true;
    if (pool) await new Promise((resolve) => pool.end(resolve));
  }

  private mysqlPool(): MysqlPool {
    if (!this.pool) {
      if (this.closed) throw new Error('the database layer is shut down');
      // TypeORM's own connection options (host, credentials, timezone 'Z', charset, big numbers), so values
      // are written and read exactly as through its pool.
      const driver = this.dataSource.driver as unknown as {
        mysql: MysqlModule;
        options: unknown;
        createConnectionOptions(options: unknown, credentials: unknown): Record<string, unknown>;
      };
      const options = driver.createConnectionOptions(driver.options, driver.options);
      this.pool = driver.mysql.createPool({ ...options, connectionLimit: POOL_SIZE, multipleStatements: true });
    }
    return this.pool;
  }

  private async runGroup(group: GroupEntry[]): Promise<void> {
    let connection: MysqlConnection;
    try {
      connection = await new Promise<MysqlConnection>((resolve, reject) =>
        this.mysqlPool().getConnection((error, conn) => (error ? reject(error) : resolve(conn))),
      );
    } catch (error) {
      for (const entry of group) entry.reject(error);
      return;
    }

    const outcomes: Outcome[] = [];
    // Statements without parameters that go out in front of the next one (one round trip).
    let pending = ['START TRANSACTION'];
    let lost = false;
    let failedAt = -1;
    for (const [index, entry] of group.entries()) {
      const result = await this.drive(connection, entry.unit(), pending);
      pending = result.pending;
      outcomes.push(result.outcome);
      if (result.outcome.ok || result.statements === 0) {
        // Done, or failed at its first statement, which InnoDB undid by itself (a duplicate key, say)...
        if (result.outcome.ok || !result.sent || (await stillInTransaction(connection))) continue;
        // ...unless that error ended the whole transaction (a deadlock victim's) or the connection.
      }
      // Something of this unit, or of the group, has to be undone: nothing of the group is kept.
      const error = result.outcome.error as MysqlError | undefined;
      // The error's kind only (its message may carry values from a statement).
      this.logger.log(
        { units: group.length, error: error?.constructor?.name, code: error?.code, errno: error?.errno },
        'group transaction abandoned; its units run again one by one',
      );
      lost = true;
      failedAt = index;
      break;
    }

    if (lost) {
      // Closing the connection rolls back whatever is left of the transaction on the server.
      connection.destroy();
      const failure = outcomes[failedAt] as { ok: false; error: unknown };
      group.forEach((entry, index) => {
        // The unit that failed on its own (not a deadlock, not the connection) keeps its error: run again, it
        // would fail again. The others, and a unit that lost only to the transaction's fate, run alone.
        if (index === failedAt && !isTransientDbError(failure.error) && !(failure.error as MysqlError)?.fatal) entry.reject(failure.error);
        else this.runAloneRetrying(entry.unit).then(entry.resolve, entry.reject);
      });
      return;
    }

    try {
      await send(connection, [...pending, 'COMMIT'], null);
    } catch (error) {
      // The COMMIT's outcome is unknown (its reply did not arrive); no unit may run again.
      connection.destroy();
      for (const entry of group) entry.reject(error);
      return;
    }
    connection.release();
    group.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    });
  }

  /**
   * A lost group's unit, in a transaction of its own. A deadlock there is retried: when the group that held
   * a unique key rolls back, InnoDB's waiters for that key (the same webhook event id arriving at several
   * instances, say) can deadlock with one another, which single-statement autocommit inserts never met.
   */
  private async runAloneRetrying<T>(unit: () => SqlUnit<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runAlone(unit);
      } catch (error) {
        if (attempt >= ALONE_TRIES || !isTransientDbError(error)) throw error;
      }
    }
  }

  /**
   * Runs one unit's statements, the first one after `pending`. `sent` says whether any went out (then
   * `pending` went with it); `statements` counts those that went through.
   */
  private async drive(
    connection: MysqlConnection,
    unit: SqlUnit<unknown>,
    pending: string[],
  ): Promise<{ outcome: Outcome; pending: string[]; sent: boolean; statements: number }> {
    let sent = false;
    let statements = 0;
    try {
      let step = unit.next();
      while (!step.done) {
        const op: SqlOp = step.value;
        let value: unknown;
        try {
          sent = true;
          value = await send(connection, pending, op.statement, op.params);
        } catch (error) {
          unit.return(undefined);
          throw new StatementFailed(error);
        }
        pending = [];
        statements++;
        step = unit.next(value);
      }
      return { outcome: { ok: true, value: step.value }, pending, sent, statements };
    } catch (thrown) {
      const error = thrown instanceof StatementFailed ? thrown.error : thrown;
      return { outcome: { ok: false, error: error ?? new Error('unit failed') }, pending: sent ? [] : pending, sent, statements };
    }
  }
}

/** SERVER_STATUS_IN_TRANS, in the status flags of every OK packet. */
const SERVER_STATUS_IN_TRANS = 0x0001;

/** Whether the connection's transaction is still open (false too when the connection is gone). */
async function stillInTransaction(connection: MysqlConnection): Promise<boolean> {
  try {
    const header = await new Promise<{ serverStatus?: number }>((resolve, reject) =>
      connection.query('DO 0', [], (error, results) => (error ? reject(error) : resolve(results))),
    );
    return ((header.serverStatus ?? 0) & SERVER_STATUS_IN_TRANS) !== 0;
  } catch {
    return false;
  }
}

/**
 * Sends `pending` (parameterless statements) and the statement as one multi-statement query; resolves to the
 * statement's result. With no statement, sends `pending` alone.
 */
function send(connection: MysqlConnection, pending: string[], statement: Statement | null, params: readonly unknown[] = []): Promise<unknown> {
  const texts = statement ? [...pending, statement.text] : pending;
  return new Promise((resolve, reject) => {
    connection.query(texts.join(';\n'), driverValues(params), (error, results) => {
      if (error) return reject(error);
      if (!statement) return resolve(undefined);
      resolve(resultFor(statement, texts.length > 1 ? results[texts.length - 1] : results));
    });
  });
}

function driverValues(params: readonly unknown[]): unknown[] {
  return params.map((value) => (value === undefined ? null : value));
}

/** What a statement yields to its unit: the affected row count (`run`), a row or undefined (`get`), rows (`all`). */
function resultFor(statement: Statement, result: any): unknown {
  switch (statement.mode) {
    case 'run':
      return result.affectedRows ?? 0;
    case 'get':
      return result[0];
    case 'all':
      return result;
  }
}
