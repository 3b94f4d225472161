import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TurnBatch } from '../common/async/turn-batch';
import { DEFAULT_POOL_SIZE } from './data-source-options';
import { SqlStep, SqlUnit, Statement, statementsOf } from './sql';
import { isTransientDbError } from './transient-error';
import { isUniqueViolation } from './unique-violation';

/**
 * Units per group. Each wave is one round trip whatever its size, so a larger group costs less per unit;
 * 64 against 16 on MariaDB: create 257-261 -> 238-244 µs of CPU, webhook intake +25 % req/s.
 */
const MAX_GROUP = 64;
/**
 * Connections of the group-commit pool, per connection of TypeORM's own (DB_POOL_SIZE, 20 by default): the
 * group pool carries the hot writes in few, large round trips, so half as many suffice (10 by default).
 */
const POOL_SHARE = 0.5;
/** Reads sent together, at most (see query). */
const MAX_READS = 64;
/** Tries of a lost group's unit run alone, when it keeps meeting deadlocks (see runAloneRetrying). */
const ALONE_TRIES = 5;

/** The parts of mysql2's callback API used here. */
interface MysqlConnection {
  query(text: string, values: unknown[], callback: (error: MysqlError | null, results: any) => void): QueryEvents;
  release(): void;
  destroy(): void;
}

/** mysql2 emits these during a query even when it has a callback. */
interface QueryEvents {
  on(event: 'result' | 'fields', listener: (value: unknown) => void): void;
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

interface ReadEntry {
  statement: Statement;
  params: readonly unknown[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit on MySQL/MariaDB, the counterpart of Sql's on SQLite. Units that arrive within one event-loop
 * turn run together in one transaction on one connection, and every caller's promise settles after its
 * COMMIT; the single writes of a turn (Sql.write, Sql.writeAll) form a group of their own, which commits in
 * one round trip instead of waiting for the other units' waves.
 *
 * The point is round trips, which are most of a unit's cost here (each wakes the server and this process on
 * both sides of the loopback, and MariaDB shares the machine's CPU). The group's units run in waves: the
 * next statement of every unit still running goes out in one multi-statement query, the first wave behind
 * START TRANSACTION, so a group of creates (two statements each) costs three round trips, not one per
 * statement; the group shares one COMMIT, which goes out with the last wave when every unit in it is a
 * single write (so a group of webhook intakes costs one round trip). Multi-statement queries are enabled on
 * this pool only; every statement sent on it is a constant template with `?` parameters, escaped by mysql2
 * as on TypeORM's pool.
 *
 * Interleaved so, units still see each other's writes in wave order (one transaction), and a unit's plain
 * SELECTs see the transaction's snapshot (REPEATABLE READ), which may predate the unit or a write an earlier
 * unit of the group makes in a later wave: every unit that decides from what it read writes with a
 * compare-and-set, which reads the current row, and a compare-and-set that loses makes its caller decide
 * again (the webhook processor, which gives its event's claim back in the same unit) or is the answer (a
 * transition someone else made first).
 *
 * Units run without savepoints (SAVEPOINT and its release are two more statements per unit): MySQL stops a
 * multi-statement query at the statement that fails and InnoDB undoes that statement by itself, so a unit
 * that fails at its first statement (a duplicate order, event or key: the usual failures) has nothing to
 * undo, once `DO 0`'s status flags show the transaction still open; the statements behind it in the wave
 * go out again in the next. Anything else — a unit failing after one of its statements went through, a
 * deadlock victim (InnoDB rolls back its whole transaction), a dropped connection, a failure that cannot be
 * pinned on one statement — and nothing of the group is kept: the connection is closed before any COMMIT,
 * and each unit runs again, alone, through `runAlone` (retried on a deadlock, see runAloneRetrying), except
 * the one that failed on its own, whose caller gets its error. A unit must therefore have no effect outside
 * its statements (all units do: they compute from their arguments and the rows they read).
 */
export class MysqlGroupCommit {
  private readonly logger = new Logger('MysqlGroupCommit');
  private pool: MysqlPool | null = null;
  private closed = false;
  private readonly groups = new TurnBatch<GroupEntry>(MAX_GROUP, (group) => void this.runGroup(group));
  private readonly singles = new TurnBatch<GroupEntry>(MAX_GROUP, (group) => void this.runGroup(group));
  private readonly reads = new TurnBatch<ReadEntry>(MAX_READS, (batch) => this.runReads(batch));

  constructor(
    private readonly dataSource: DataSource,
    private readonly runAlone: <T>(unit: () => SqlUnit<T>) => Promise<T>,
  ) {}

  /**
   * Runs the unit in the next group's transaction; settles after that transaction's COMMIT. `single`: the
   * unit is one step marked last (Sql.write, Sql.writeAll), and goes in a group of such units, which
   * commits in one round trip instead of waiting for the waves of the other units of its turn.
   */
  run<T>(unit: () => SqlUnit<T>, single = false): Promise<T> {
    const batch = single ? this.singles : this.groups;
    return new Promise<T>((resolve, reject) => batch.add({ unit, resolve: resolve as (value: unknown) => void, reject }));
  }

  /**
   * One statement outside any transaction (reads). The reads of one event-loop turn go out together as one
   * multi-statement query on this pool (each SELECT its own autocommit snapshot, as alone), for the same
   * reason as the waves; a lone read goes straight to TypeORM's own pool (its 20 connections, without a
   * QueryRunner per read).
   */
  query(statement: Statement, params: readonly unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => this.reads.add({ statement, params, resolve, reject }));
  }

  private runReads(batch: ReadEntry[]): void {
    const typeormPool = (this.dataSource.driver as unknown as { pool?: MysqlPool }).pool;
    // mysql2 throws, rather than calls back, when it cannot format a value, and mysqlPool() after close().
    const alone = (read: ReadEntry) => {
      try {
        (typeormPool ?? this.mysqlPool()).query(read.statement.text, driverValues(read.params), (error, results) =>
          error ? read.reject(error) : read.resolve(resultFor(read.statement, results)),
        );
      } catch (error) {
        read.reject(error);
      }
    };
    if (batch.length === 1) return alone(batch[0]);
    const values = batch.flatMap((read) => driverValues(read.params));
    try {
      this.mysqlPool().query(batch.map((read) => read.statement.text).join(';\n'), values, (error, results) => {
        // MySQL stops at a failing statement; each read then goes alone, so each gets its own answer.
        if (error) batch.forEach(alone);
        else batch.forEach((read, i) => read.resolve(resultFor(read.statement, results[i])));
      });
    } catch {
      batch.forEach(alone);
    }
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
        options: { extra?: { connectionLimit?: number } };
        createConnectionOptions(options: unknown, credentials: unknown): Record<string, unknown>;
      };
      const options = driver.createConnectionOptions(driver.options, driver.options);
      const connectionLimit = groupPoolSize(driver.options.extra?.connectionLimit ?? DEFAULT_POOL_SIZE);
      this.pool = driver.mysql.createPool({ ...options, connectionLimit, multipleStatements: true });
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

    const runs = group.map((entry) => new UnitRun(entry));
    // Statements without parameters that go out in front of the next wave (one round trip).
    let pending = ['START TRANSACTION'];
    // Set when nothing of the group can be kept; `culprit` is the unit whose own failure caused it, if known.
    let lost: { culprit: UnitRun | null; error: unknown } | null = null;
    let committed = false;
    for (;;) {
      const wave = runs.filter((run) => run.op !== null);
      if (wave.length === 0) break;
      // Every unit at its last statement (single writes, such as webhook intake's INSERT): the COMMIT goes
      // out with them, and a group of such units costs one round trip.
      const withCommit = wave.every((run) => run.op!.last === true);
      const reply = await sendWave(connection, pending, wave, withCommit);
      pending = [];
      reply.results.forEach((result, i) => {
        if (result !== SELECT_BEGUN) wave[i].resume(result);
      });
      if (withCommit && !reply.failed) {
        committed = true;
        break;
      }
      const failed = reply.failed!;
      if (withCommit && !failed.unsent && (failed.index === null || (failed.error as MysqlError)?.fatal)) {
        // MySQL stops a multi-statement query at a failing statement, so a failure pinned on one of the
        // wave's statements left the COMMIT unsent; any other (the COMMIT's own, a dropped connection) may
        // have come after the COMMIT went through: as for sendCommit, no unit may run again.
        const kind = failed.error as MysqlError | undefined;
        this.logger.warn(
          { units: group.length, error: kind?.constructor?.name, code: kind?.code, errno: kind?.errno },
          'group failed with its COMMIT sent; its units fail and do not run again',
        );
        connection.destroy();
        for (const entry of group) entry.reject(failed.error);
        return;
      }
      if (reply.failed) {
        const { error, index, partial } = reply.failed;
        const run = index === null ? null : wave[index];
        // Failed at its first statement, which InnoDB undid by itself (a duplicate order, event or key)...
        if (run && !partial && run.statements === 0 && (await stillInTransaction(connection))) {
          run.fail(error);
        } else {
          // ...unless that error ended the whole transaction (a deadlock victim's) or the connection.
          run?.fail(error);
          lost = { culprit: run, error };
        }
      }
      if (!lost) {
        // A unit that failed on its own after one of its statements went through has to be undone.
        const broken = runs.find((run) => run.outcome?.ok === false && run.statements > 0);
        if (broken) lost = { culprit: broken, error: (broken.outcome as { error: unknown }).error };
      }
      if (lost) break;
    }

    if (lost) {
      const { culprit, error } = lost;
      // The error's kind only (its message may carry values from a statement).
      const kind = error as MysqlError | undefined;
      this.logger.log(
        { units: group.length, error: kind?.constructor?.name, code: kind?.code, errno: kind?.errno },
        'group transaction abandoned; its units run again one by one',
      );
      // Closing the connection rolls back whatever is left of the transaction on the server.
      connection.destroy();
      for (const run of runs) {
        // The unit that failed on its own (not a deadlock, not the connection) keeps its error: run again, it
        // would fail again. The others, and a unit that lost only to the transaction's fate, run alone.
        if (run === culprit && !isTransientDbError(error) && !(error as MysqlError)?.fatal) run.entry.reject(error);
        else this.runAloneRetrying(run.entry.unit).then(run.entry.resolve, run.entry.reject);
      }
      return;
    }

    try {
      if (!committed) await sendCommit(connection, pending);
    } catch (error) {
      // The COMMIT's outcome is unknown (its reply did not arrive); no unit may run again.
      connection.destroy();
      for (const entry of group) entry.reject(error);
      return;
    }
    connection.release();
    for (const run of runs) {
      const outcome = run.outcome!;
      if (outcome.ok) run.entry.resolve(outcome.value);
      else run.entry.reject(outcome.error);
    }
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
}

/** The group-commit pool's size for a TypeORM pool of `typeormPoolSize` connections (at least one). */
function groupPoolSize(typeormPoolSize: number): number {
  return Math.max(1, Math.ceil(typeormPoolSize * POOL_SHARE));
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

/** One unit of a group, driven wave by wave. */
class UnitRun {
  /** Its next step (a statement or a batch), for the next wave; null once the unit is done. */
  op: SqlStep | null = null;
  outcome: Outcome | null = null;
  /** Its statements that went through. */
  statements = 0;
  private readonly generator: SqlUnit<unknown> | null = null;

  constructor(readonly entry: GroupEntry) {
    try {
      this.generator = entry.unit();
    } catch (error) {
      this.end({ ok: false, error });
      return;
    }
    this.advance(undefined);
  }

  /** Its step went through with this result (an array for a batch). */
  resume(result: unknown): void {
    this.statements += statementsOf(this.op!).length;
    this.advance(result);
  }

  /** Its statement failed: so does the unit. */
  fail(error: unknown): void {
    try {
      this.generator?.return(undefined);
    } catch {
      // Its own clean-up failed too; the statement's error is the one to report.
    }
    this.end({ ok: false, error });
  }

  private advance(result: unknown): void {
    try {
      const step = this.generator!.next(result);
      if (step.done) this.end({ ok: true, value: step.value });
      else this.op = step.value;
    } catch (error) {
      this.end({ ok: false, error: error ?? new Error('unit failed') });
    }
  }

  private end(outcome: Outcome): void {
    this.op = null;
    this.outcome = outcome;
  }
}

/** A SELECT whose reply had begun when a later statement of its wave failed (its rows are not at hand). */
const SELECT_BEGUN = Symbol('select begun');

interface WaveReply {
  /**
   * Per unit of the wave, in order, up to the unit of the failed statement: its step's result (an array for
   * a batch), or SELECT_BEGUN.
   */
  results: unknown[];
  /**
   * index: the wave's unit whose statement failed; null when it cannot be told. partial: that statement was
   * not its unit's first in the wave (a batch's). unsent: mysql2 threw before sending anything (a value it
   * cannot format).
   */
  failed?: { error: unknown; index: number | null; partial?: true; unsent?: true };
}

/**
 * Sends `pending`, the next step of every unit of the wave (a statement, or a batch's statements) and, with
 * `withCommit`, COMMIT as one multi-statement query. MySQL stops at the first statement that fails and
 * replies with the results before it and the error; mysql2 hands the callback the error alone, so the results
 * before it are collected from the query's events: 'result' for each OK packet, 'fields' when a SELECT's
 * reply begins (its rows are not emitted with a callback).
 */
function sendWave(connection: MysqlConnection, pending: string[], wave: UnitRun[], withCommit: boolean): Promise<WaveReply> {
  const steps = wave.map((run) => statementsOf(run.op!));
  const ops = steps.flat();
  const texts = [...pending, ...ops.map((op) => op.statement.text), ...(withCommit ? ['COMMIT'] : [])];
  const values = ops.flatMap((op) => driverValues(op.params));
  /** Each unit's result (an array for a batch), for the units, in order, whose statements all have a header. */
  const unitResults = (headers: unknown[]): unknown[] => {
    const results: unknown[] = [];
    let at = 0;
    for (let unit = 0; unit < wave.length && at + steps[unit].length <= headers.length; unit++) {
      const own = steps[unit].map((op, i) => (headers[at + i] === SELECT_BEGUN ? SELECT_BEGUN : resultFor(op.statement, headers[at + i])));
      results.push('batch' in wave[unit].op! ? own : own[0]);
      at += steps[unit].length;
    }
    return results;
  };
  return new Promise((resolve) => {
    const begun: unknown[] = [];
    let query: QueryEvents;
    try {
      query = connection.query(texts.join(';\n'), values, (error, results) => {
        if (!error) {
          const sets: unknown[] = texts.length > 1 ? results : [results];
          resolve({ results: unitResults(sets.slice(pending.length, pending.length + ops.length)) });
          return;
        }
        const done = begun.slice(pending.length);
        if (begun.length < pending.length) return resolve({ results: [], failed: { error, index: null } });
        // The statement after the last whose reply began failed, unless that one was a SELECT: then either
        // could have, except for a unique violation, which a SELECT cannot raise.
        const failedAt = done.length === 0 || done[done.length - 1] !== SELECT_BEGUN || isUniqueViolation(error) ? done.length : null;
        const completed = unitResults(done);
        // Whose statement that was: the unit after those whose statements all went through.
        const index = failedAt !== null && failedAt < ops.length ? completed.length : null;
        const first = steps.slice(0, completed.length).reduce((sum, statements) => sum + statements.length, 0);
        resolve({ results: completed, failed: { error, index, ...(index !== null && failedAt !== first ? { partial: true as const } : {}) } });
      });
    } catch (error) {
      // mysql2 formats the whole query before it sends any of it.
      return resolve({ results: [], failed: { error, index: null, unsent: true } });
    }
    query.on('result', (header: unknown) => begun.push(header));
    query.on('fields', (fields: unknown) => {
      if (fields) begun.push(SELECT_BEGUN);
    });
  });
}

/** COMMIT, after `pending` (a group whose units sent no statement still opened its transaction). */
function sendCommit(connection: MysqlConnection, pending: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    connection.query([...pending, 'COMMIT'].join(';\n'), [], (error) => (error ? reject(error) : resolve()));
  });
}
