import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { Db } from '../../src/database/db';
import { MysqlGroupCommit } from '../../src/database/mysql-group-commit';
import { IdempotencyKeyEntity } from '../../src/database/entities/idempotency-key.entity';
import { Sql, SqlUnit } from '../../src/database/sql';
import { isUniqueViolation } from '../../src/database/unique-violation';
import { waitFor } from '../support/callback-receiver';
import { TestDatabase, testDatabases } from '../support/databases';

const mysqlFactory = testDatabases().find(([name]) => name === 'mysql')?.[1];
const describeMysql = mysqlFactory ? describe : describe.skip;

const INSERT = 'INSERT INTO idempotency_keys (id, scope, idem_key, fingerprint, status, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)';
const LOCK_KEY = 'SELECT id FROM idempotency_keys WHERE id = ? FOR UPDATE';

/** Units that run together in one transaction on MariaDB/MySQL (Sql.transaction, Sql.write). */
describeMysql('MySQL group commit', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let db: Db;
  let sql: Sql;
  let admin: mysql.Connection;

  beforeAll(async () => {
    database = await mysqlFactory!();
    dataSource = new DataSource(buildDataSourceOptions({ url: database.url, migrationsRun: true, sqliteSynchronous: 'NORMAL' }));
    await dataSource.initialize();
    db = new Db(dataSource);
    sql = db.sql;
    admin = await mysql.createConnection(database.url);
  });
  afterAll(async () => {
    await admin?.end();
    await db?.onApplicationShutdown();
    await dataSource?.destroy();
    await database?.drop();
  });
  beforeEach(() => dataSource.manager.clear(IdempotencyKeyEntity));

  /** The INSERT of one idempotency key (`key` may be a value mysql2 cannot format). */
  function keyOp(id: string, key: string | object) {
    const at = new Date();
    return sql.op(sql.stmt(INSERT, 'run'), [id, 's', key, 'f', 'IN_PROGRESS', sql.dateParam(at), sql.dateParam(at)]);
  }

  function* insertKey(id: string, key: string): SqlUnit<number> {
    return yield keyOp(id, key);
  }

  /** A unit of one write, as Sql.write makes it: its statement is its last. */
  function* writeKey(id: string, key: string | object): SqlUnit<number> {
    return yield { ...keyOp(id, key), last: true };
  }

  /**
   * A group commit of its own whose pool counts the queries it sends (one per round trip); units it loses
   * run alone through the Sql layer.
   */
  async function withCountingGroups(test: (groups: MysqlGroupCommit, queries: () => number) => Promise<void>): Promise<void> {
    const driver = dataSource.driver as unknown as { mysql: { createPool(options: unknown): any } };
    const createPool = driver.mysql.createPool;
    let sent = 0;
    driver.mysql = Object.create(driver.mysql, {
      createPool: {
        value: (options: unknown) => {
          const pool = createPool.call(driver.mysql, options);
          const getConnection = pool.getConnection.bind(pool);
          pool.getConnection = (callback: (error: unknown, connection: any) => void) =>
            getConnection((error: unknown, connection: any) => {
              if (connection && !connection.countedQuery) {
                const query = connection.query.bind(connection);
                connection.countedQuery = true;
                connection.query = (...args: unknown[]) => (sent++, query(...args));
              }
              callback(error, connection);
            });
          return pool;
        },
      },
    });
    const groups = new MysqlGroupCommit(dataSource, (unit) => sql.transaction(unit));
    try {
      await test(groups, () => sent);
    } finally {
      await groups.close();
      driver.mysql = Object.getPrototypeOf(driver.mysql);
    }
  }

  async function keyIds(): Promise<string[]> {
    return (await dataSource.manager.find(IdempotencyKeyEntity)).map((k) => k.id).sort();
  }

  const BOTH_FULFILLED = [
    { status: 'fulfilled', value: 1 },
    { status: 'fulfilled', value: 1 },
  ];

  /** Runs `work` on a connection of its own inside START TRANSACTION (it commits); closes the connection. */
  async function inOtherTransaction(work: (holder: mysql.Connection) => Promise<void>): Promise<void> {
    const holder = await mysql.createConnection(database.url);
    try {
      await holder.query('START TRANSACTION');
      await work(holder);
    } finally {
      await holder.end();
    }
  }

  /** The connection id of the group once it waits for a row lock that `holder` holds (LOCK_KEY, or `statement`). */
  async function groupWaitingForLock(holder: mysql.Connection, statement = '%FROM idempotency_keys WHERE id = % FOR UPDATE%'): Promise<number> {
    let waiting: number | undefined;
    await waitFor(async () => {
      const [rows] = await admin.query('SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND info LIKE ?', [statement]);
      waiting = (rows as Array<{ id: number }>).find((r) => r.id !== holder.threadId && r.id !== admin.threadId)?.id;
      return waiting !== undefined;
    }, 'the group waiting for a held row');
    return Number(waiting);
  }

  async function commits(): Promise<number> {
    const [rows] = await admin.query("SHOW GLOBAL STATUS LIKE 'Com_commit'");
    return Number((rows as Array<{ Value: string }>)[0].Value);
  }

  it('commits the units of one event-loop turn together; one failing at its first statement changes nothing else', async () => {
    const runs = { a: 0, dup: 0 };
    const before = await commits();
    const results = await Promise.allSettled([
      sql.transaction(() => (runs.a++, insertKey('a', 'k1'))),
      sql.transaction(() => (runs.dup++, insertKey('dup', 'k1'))), // duplicate (scope, key): InnoDB undoes the statement
      sql.transaction(() => insertKey('b', 'k2')),
    ]);
    const after = await commits();

    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(results[1].status).toBe('rejected');
    expect(isUniqueViolation((results[1] as PromiseRejectedResult).reason)).toBe(true);
    expect(results[2]).toEqual({ status: 'fulfilled', value: 1 });
    expect(runs).toEqual({ a: 1, dup: 1 });
    expect(await keyIds()).toEqual(['a', 'b']);
    expect(after - before).toBe(1); // one COMMIT for the three units
  });

  it('sends the COMMIT of a group of single writes with them: one round trip', async () => {
    await withCountingGroups(async (groups, queries) => {
      const before = await commits();
      const results = await Promise.all([groups.run(() => writeKey('a', 'k1')), groups.run(() => writeKey('b', 'k2')), groups.run(() => writeKey('c', 'k3'))]);
      expect(results).toEqual([1, 1, 1]);
      expect(queries()).toBe(1); // START TRANSACTION; three INSERTs; COMMIT
      expect((await commits()) - before).toBe(1);
    });
    expect(await keyIds()).toEqual(['a', 'b', 'c']);
  });

  it('fails a duplicate among single writes alone; the writes behind it go out again with the COMMIT', async () => {
    await withCountingGroups(async (groups, queries) => {
      const before = await commits();
      const results = await Promise.allSettled([
        groups.run(() => writeKey('a', 'k1')),
        groups.run(() => writeKey('dup', 'k1')),
        groups.run(() => writeKey('b', 'k2')),
      ]);
      expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
      expect(isUniqueViolation((results[1] as PromiseRejectedResult).reason)).toBe(true);
      expect(results[2]).toEqual({ status: 'fulfilled', value: 1 });
      expect(queries()).toBe(3); // the wave up to the duplicate, DO 0 (still in the transaction?), then 'b' with the COMMIT
      expect((await commits()) - before).toBe(1);
    });
    expect(await keyIds()).toEqual(['a', 'b']);
  });

  it('runs single writes again, alone, when mysql2 could not format one (nothing was sent)', async () => {
    const unformattable = { toSqlString: () => { throw new Error('cannot format'); } };
    await withCountingGroups(async (groups) => {
      const results = await Promise.allSettled([groups.run(() => writeKey('a', 'k1')), groups.run(() => writeKey('bad', unformattable))]);
      expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
      expect((results[1] as PromiseRejectedResult).reason.message).toBe('cannot format');
    });
    expect(await keyIds()).toEqual(['a']);
  });

  it('runs nothing again when the connection is lost under a wave that carried the COMMIT (its outcome is unknown)', async () => {
    await dataSource.manager.insert(IdempotencyKeyEntity, {
      id: 'held', scope: 's', key: 'kh', fingerprint: 'f', status: 'IN_PROGRESS', responseStatus: null, responseBody: null, createdAt: new Date(), expiresAt: new Date(),
    });
    const complete = sql.stmt("UPDATE idempotency_keys SET status = 'COMPLETED' WHERE id = ?", 'run');
    let runs = 0;
    await withCountingGroups(async (groups) => {
      await inOtherTransaction(async (holder) => {
        await holder.query(LOCK_KEY, ['held']);
        const results = Promise.allSettled([
          groups.run(() => (runs++, writeKey('a', 'k1'))),
          groups.run(function* () {
            runs++;
            return yield { ...sql.op(complete, ['held']), last: true };
          }),
        ]);
        const waiting = await groupWaitingForLock(holder, '%UPDATE idempotency_keys SET status%');
        await admin.query(`KILL CONNECTION ${waiting}`);
        await holder.query('COMMIT');
        expect((await results).map((result) => result.status)).toEqual(['rejected', 'rejected']);
      });
    });
    expect(runs).toBe(2);
    // Here the server had not reached the COMMIT, so it rolled the group back; the callers were told so.
    expect(await keyIds()).toEqual(['held']);
    expect((await dataSource.manager.findOneByOrFail(IdempotencyKeyEntity, { id: 'held' })).status).toBe('IN_PROGRESS');
  });

  it('sends a writeAll batch in one wave: alone, one round trip with its COMMIT; each count back', async () => {
    await withCountingGroups(async (groups, queries) => {
      const results = await Promise.all([
        groups.run(function* () {
          return yield { batch: [keyOp('a', 'k1'), keyOp('b', 'k2')], last: true };
        }),
        groups.run(() => writeKey('c', 'k3')),
      ]);
      expect(results).toEqual([[1, 1], 1]);
      expect(queries()).toBe(1);
    });
    expect(await keyIds()).toEqual(['a', 'b', 'c']);
  });

  it('fails a batch whose first statement fails alone; one failing after its first went through fails it, and the others run again', async () => {
    const at = new Date();
    await dataSource.manager.insert(IdempotencyKeyEntity, {
      id: 'pre', scope: 's', key: 'k0', fingerprint: 'f', status: 'IN_PROGRESS', responseStatus: null, responseBody: null, createdAt: at, expiresAt: at,
    });
    // First statement a duplicate of 'pre': the batch fails, nothing of it is written, the group goes on.
    const first = await Promise.allSettled([sql.writeAll([keyOp('x', 'k0'), keyOp('y', 'k5')]), sql.write(keyOp('a', 'k1').statement, keyOp('a', 'k1').params)]);
    expect(isUniqueViolation((first[0] as PromiseRejectedResult).reason)).toBe(true);
    expect(first[1]).toEqual({ status: 'fulfilled', value: 1 });
    // Second statement a duplicate: its first went through, so the group (of single steps, as writeAll's
    // and write's are) is undone and the others run alone.
    const runs = { b: 0, e: 0 };
    await withCountingGroups(async (groups) => {
      const second = await Promise.allSettled([
        groups.run(() => (runs.b++, writeKey('b', 'k2')), true),
        groups.run(function* () {
          return yield { batch: [keyOp('c', 'k3'), keyOp('d', 'k1')], last: true };
        }, true),
        groups.run(() => (runs.e++, writeKey('e', 'k4')), true),
      ]);
      expect(second[0]).toEqual({ status: 'fulfilled', value: 1 });
      expect(isUniqueViolation((second[1] as PromiseRejectedResult).reason)).toBe(true);
      expect(second[2]).toEqual({ status: 'fulfilled', value: 1 });
    });
    // Each in the group, then alone (once more if InnoDB picked it as a deadlock victim there, see above).
    expect(runs.b).toBeGreaterThanOrEqual(2);
    expect(runs.e).toBeGreaterThanOrEqual(2);
    expect(await keyIds()).toEqual(['a', 'b', 'e', 'pre']);
  });

  it('commits single writes in a group of their own, without waiting for the waves of the other units of their turn', async () => {
    await dataSource.manager.insert(IdempotencyKeyEntity, {
      id: 'held', scope: 's', key: 'kh', fingerprint: 'f', status: 'IN_PROGRESS', responseStatus: null, responseBody: null, createdAt: new Date(), expiresAt: new Date(),
    });
    await inOtherTransaction(async (holder) => {
      await holder.query(LOCK_KEY, ['held']);
      const waiting = sql.transaction(function* () {
        yield sql.op(sql.stmt(LOCK_KEY, 'get'), ['held']);
        return yield* insertKey('after-held', 'k-after');
      });
      const single = sql.write(sql.stmt(INSERT, 'run'), ['w', 's', 'kw', 'f', 'IN_PROGRESS', new Date(), new Date()]);
      expect(await single).toBe(1); // while the transaction of the same turn still waits for the row
      await groupWaitingForLock(holder);
      await holder.query('COMMIT');
      expect(await waiting).toBe(1);
    });
    expect(await keyIds()).toEqual(['after-held', 'held', 'w']);
  });

  it('runs the other units again, alone, when a unit fails after one of its statements went through', async () => {
    let runs = 0;
    let failingRuns = 0;
    function* twoThenFail(): SqlUnit<number> {
      failingRuns++;
      yield* insertKey('c', 'k3');
      return yield* insertKey('d', 'k1'); // duplicate (scope, key) of the first unit
    }
    const results = await Promise.allSettled([
      sql.transaction(() => (runs++, insertKey('a', 'k1'))),
      sql.transaction(twoThenFail),
      sql.transaction(() => insertKey('b', 'k2')),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(results[1].status).toBe('rejected');
    expect(isUniqueViolation((results[1] as PromiseRejectedResult).reason)).toBe(true);
    expect(results[2]).toEqual({ status: 'fulfilled', value: 1 });
    // In the group, then alone. Alone, 'a' and 'b' both wait for the abandoned group's rollback (it held
    // their keys), and InnoDB at times makes one of them a deadlock victim (1 run in ~7 here): that one
    // runs once more (runAloneRetrying).
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(failingRuns).toBe(1); // its own failure: its caller gets the error, it does not run again
    expect(await keyIds()).toEqual(['a', 'b']); // not 'c': its unit failed
  });

  it('pins a first-statement failure on its unit even behind a SELECT of the same wave; the rest go out again', async () => {
    await dataSource.manager.insert(IdempotencyKeyEntity, {
      id: 'pre', scope: 's', key: 'k0', fingerprint: 'f', status: 'IN_PROGRESS', responseStatus: null, responseBody: null, createdAt: new Date(), expiresAt: new Date(),
    });
    const runs = { reader: 0, dup: 0, b: 0 };
    const before = await commits();
    // One wave: the reader's SELECT, the duplicate's INSERT (fails), b's INSERT (not reached by MySQL).
    const results = await Promise.allSettled([
      sql.transaction(function* () {
        runs.reader++;
        const row = yield sql.op(sql.stmt('SELECT idem_key FROM idempotency_keys WHERE id = ?', 'get'), ['pre']);
        return yield* insertKey('r', `after-${row?.idem_key}`);
      }),
      sql.transaction(() => (runs.dup++, insertKey('dup', 'k0'))),
      sql.transaction(() => (runs.b++, insertKey('b', 'k2'))),
    ]);
    const after = await commits();

    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(isUniqueViolation((results[1] as PromiseRejectedResult).reason)).toBe(true);
    expect(results[2]).toEqual({ status: 'fulfilled', value: 1 });
    expect(runs).toEqual({ reader: 1, dup: 1, b: 1 }); // the group was kept, nothing ran twice
    expect(after - before).toBe(1);
    const stored = await dataSource.manager.find(IdempotencyKeyEntity);
    expect(stored.map((k) => `${k.id}:${k.key}`).sort()).toEqual(['b:k2', 'pre:k0', 'r:after-k0']);
  });

  it('runs every unit again, alone, when a failure cannot be pinned on one statement of its wave', async () => {
    const runs = { reader: 0, tooLong: 0, b: 0 };
    // Right behind a SELECT, an error other than a unique violation could be the SELECT's or the next
    // statement's: the group is abandoned, and run alone, only the failing unit fails again.
    const results = await Promise.allSettled([
      sql.transaction(function* () {
        runs.reader++;
        return yield sql.op(sql.stmt('SELECT COUNT(*) AS n FROM idempotency_keys', 'get'), []);
      }),
      sql.transaction(() => (runs.tooLong++, insertKey('long', 'k'.repeat(300)))), // idem_key is varchar(255)
      sql.transaction(() => (runs.b++, insertKey('b', 'k2'))),
    ]);
    expect(results[0].status).toBe('fulfilled');
    expect(results[1].status).toBe('rejected');
    expect((results[1] as PromiseRejectedResult).reason.code).toBe('ER_DATA_TOO_LONG');
    expect(results[2]).toEqual({ status: 'fulfilled', value: 1 });
    expect(runs).toEqual({ reader: 2, tooLong: 2, b: 2 });
    expect(await keyIds()).toEqual(['b']);
  });

  it('reads what TypeORM wrote, in the same forms', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    await dataSource.manager.insert(IdempotencyKeyEntity, {
      id: 'r', scope: 's', key: 'kr', fingerprint: 'f', status: 'COMPLETED', responseStatus: 201, responseBody: '{"x":1}', createdAt: at, expiresAt: at,
    });
    const row = await sql.get(sql.stmt('SELECT created_at, response_status, response_body FROM idempotency_keys WHERE id = ?', 'get'), ['r']);
    expect(sql.readDate(row!.created_at)!.toISOString()).toBe(at.toISOString());
    expect(Number(row!.response_status)).toBe(201);
    expect(sql.readJson(row!.response_body)).toEqual({ x: 1 });
    expect(await sql.get(sql.stmt('SELECT id FROM idempotency_keys WHERE id = ?', 'get'), ['missing'])).toBeUndefined();
  });

  it('answers each of the reads sent together with its own rows, or its own error', async () => {
    const at = new Date();
    for (const id of ['x', 'y']) {
      await dataSource.manager.insert(IdempotencyKeyEntity, {
        id, scope: 's', key: `k-${id}`, fingerprint: 'f', status: 'IN_PROGRESS', responseStatus: null, responseBody: null, createdAt: at, expiresAt: at,
      });
    }
    const byId = sql.stmt('SELECT idem_key FROM idempotency_keys WHERE id = ?', 'get');
    const all = sql.stmt('SELECT id FROM idempotency_keys ORDER BY id', 'all');
    const read = () => [sql.get(byId, ['y']), sql.get(byId, ['missing']), sql.get(all, []), sql.get(byId, ['x'])];
    expect(await Promise.all(read())).toEqual([{ idem_key: 'k-y' }, undefined, [{ id: 'x' }, { id: 'y' }], { idem_key: 'k-x' }]);

    // A failing read stops MySQL's multi-statement query: each read then goes alone.
    const results = await Promise.allSettled([...read(), sql.get(sql.stmt('SELECT no_such_column FROM idempotency_keys', 'all'), [])]);
    expect(results.slice(0, 4).map((r) => (r as PromiseFulfilledResult<unknown>).value)).toEqual([
      { idem_key: 'k-y' }, undefined, [{ id: 'x' }, { id: 'y' }], { idem_key: 'k-x' },
    ]);
    expect((results[4] as PromiseRejectedResult).reason.code).toBe('ER_BAD_FIELD_ERROR');
  });

  it('keeps a value mysql2 cannot format (it throws rather than calls back) to its own unit or read', async () => {
    const unformattable = { toSqlString: () => { throw new Error('cannot format'); } };
    const byId = sql.stmt('SELECT idem_key FROM idempotency_keys WHERE id = ?', 'get');
    const results = await Promise.allSettled([
      sql.transaction(() => insertKey('a', 'k1')),
      sql.write(sql.stmt(INSERT, 'run'), ['bad', 's', unformattable, 'f', 'IN_PROGRESS', new Date(), new Date()]),
      sql.get(byId, ['a']),
      sql.get(byId, [unformattable]),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('cannot format');
    expect(results[2].status).toBe('fulfilled'); // read in the same turn as the insert: before or after it
    expect((results[3] as PromiseRejectedResult).reason.message).toBe('cannot format');
    expect(await keyIds()).toEqual(['a']);
  });

  it('runs every unit again, alone, when the group loses its transaction before the COMMIT', async () => {
    await dataSource.manager.insert(IdempotencyKeyEntity, {
      id: 'held', scope: 's', key: 'kh', fingerprint: 'f', status: 'IN_PROGRESS', responseStatus: null, responseBody: null, createdAt: new Date(), expiresAt: new Date(),
    });
    // Another transaction holds the row the group's second unit wants, so the group waits there, after
    // its first unit has inserted 'a'; then its connection is killed.
    await inOtherTransaction(async (holder) => {
      await holder.query(LOCK_KEY, ['held']);
      const results = Promise.allSettled([
        sql.transaction(() => insertKey('a', 'k1')),
        sql.transaction(function* () {
          const row = yield sql.op(sql.stmt(LOCK_KEY, 'get'), ['held']);
          return yield* insertKey('b', `k2-${row ? 'seen' : 'none'}`);
        }),
      ]);
      const waiting = await groupWaitingForLock(holder);
      await admin.query(`KILL CONNECTION ${waiting}`);
      await holder.query('COMMIT');
      expect(await results).toEqual(BOTH_FULFILLED);
    });
    // Each unit's rows exactly once: the killed group kept nothing, the second runs kept everything.
    expect(await keyIds()).toEqual(['a', 'b', 'held']);
  });

  it('runs every unit again, alone, when the group is a deadlock victim', async () => {
    const row = (id: string) => ({ id, scope: 's', key: `k-${id}`, fingerprint: 'f', status: 'IN_PROGRESS' as const, responseStatus: null, responseBody: null, createdAt: new Date(), expiresAt: new Date() });
    await dataSource.manager.insert(IdempotencyKeyEntity, [row('A'), row('B')]);
    let runs = 0;
    // The other transaction holds B and has written more than the group will have, so InnoDB picks the
    // group as the victim of the deadlock below.
    await inOtherTransaction(async (holder) => {
      for (let i = 0; i < 20; i++) {
        await holder.query(INSERT, [`filler-${i}`, 's', `kf-${i}`, 'f', 'IN_PROGRESS', new Date(), new Date()]);
      }
      await holder.query(LOCK_KEY, ['B']);
      const results = Promise.allSettled([
        sql.transaction(function* () {
          runs++;
          return yield sql.op(sql.stmt("UPDATE idempotency_keys SET status = 'COMPLETED' WHERE id = ?", 'run'), ['A']);
        }),
        sql.transaction(function* () {
          yield sql.op(sql.stmt(LOCK_KEY, 'get'), ['B']);
          return yield* insertKey('after-B', 'k-after-B');
        }),
      ]);
      await groupWaitingForLock(holder);
      await holder.query(LOCK_KEY, ['A']); // the group holds A: a deadlock, and the group loses it
      await holder.query('COMMIT');
      expect(await results).toEqual(BOTH_FULFILLED);
    });
    expect(runs).toBe(2);
    const stored = await dataSource.manager.find(IdempotencyKeyEntity);
    expect(stored.find((k) => k.id === 'A')?.status).toBe('COMPLETED');
    expect(stored.filter((k) => k.id === 'after-B' || k.id.startsWith('filler-'))).toHaveLength(21);
  });

  it("retries a deadlock met by a lost group's unit when it runs alone", async () => {
    const deadlock = Object.assign(new Error('Deadlock found when trying to get lock'), { errno: 1213, code: 'ER_LOCK_DEADLOCK' });
    let aloneRuns = 0;
    // The first unit run alone meets a deadlock; later ones run through the Sql layer as usual.
    const groups = new MysqlGroupCommit(dataSource, (unit) => (aloneRuns++ === 0 ? Promise.reject(deadlock) : sql.transaction(unit)));
    function* writeThenThrow(): SqlUnit<number> {
      yield* insertKey('w', 'kw');
      throw new Error('the unit gives up after writing');
    }
    try {
      const results = await Promise.allSettled([groups.run(() => insertKey('a', 'k1')), groups.run(writeThenThrow)]);
      expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
      expect((results[1] as PromiseRejectedResult).reason.message).toBe('the unit gives up after writing');
      expect(aloneRuns).toBe(2); // 'a' twice (deadlock, then done); the unit that failed on its own not again
    } finally {
      await groups.close();
    }
    expect(await keyIds()).toEqual(['a']);
  });
  it('opens at most DB_POOL_SIZE connections for reads and half as many for groups', async () => {
    const SLEEP = 'SELECT SLEEP(0.2) AS slept';
    const small = new DataSource(buildDataSourceOptions({ url: database.url, migrationsRun: false, sqliteSynchronous: 'NORMAL', poolSize: 4 }));
    await small.initialize();
    const smallDb = new Db(small);
    const smallSql = smallDb.sql;
    try {
      const sleeping = async () => {
        const [rows] = await admin.query('SELECT COUNT(*) AS n FROM information_schema.processlist WHERE id <> CONNECTION_ID() AND info LIKE ?', ['%SLEEP(0.2)%']);
        return Number((rows as Array<{ n: number }>)[0].n);
      };
      const work: Promise<unknown>[] = [];
      // One lone read (TypeORM's pool) and one group (the group-commit pool) per event-loop turn, each
      // holding its connection for 0.2 s: with no limit, 12 of each would run at once.
      for (let turn = 0; turn < 12; turn++) {
        work.push(smallSql.get(smallSql.stmt(SLEEP, 'get'), []));
        work.push(
          smallSql.transaction(function* () {
            return yield smallSql.op(smallSql.stmt(SLEEP, 'get'), []);
          }),
        );
        await new Promise((resolve) => setImmediate(resolve));
      }
      let peak = 0;
      const all = Promise.all(work);
      let settled = false;
      void all.finally(() => (settled = true)).catch(() => undefined);
      while (!settled) {
        peak = Math.max(peak, await sleeping());
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      expect(await all).toHaveLength(24);
      // 4 of TypeORM's pool and 2 of the group pool, all busy at the peak.
      expect(peak).toBe(6);
    } finally {
      await smallDb.onApplicationShutdown();
      await small.destroy();
    }
  });
});
