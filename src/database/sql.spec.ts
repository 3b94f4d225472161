import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';
import { Db } from './db';
import { IdempotencyKeyEntity } from './entities/idempotency-key.entity';
import { Sql, SqlUnit, sqliteDatetime } from './sql';
import { isUniqueViolation } from './unique-violation';

/** The raw-SQL layer on SQLite: TypeORM’s stored forms, and group commit (a savepoint per unit only when a unit must be undone). */
describe('Sql (SQLite)', () => {
  let dataSource: DataSource;
  let db: Db;
  let sql: Sql;

  beforeEach(async () => {
    dataSource = new DataSource(buildDataSourceOptions({ url: 'sqlite::memory:', migrationsRun: true, sqliteSynchronous: 'NORMAL' }));
    await dataSource.initialize();
    db = new Db(dataSource);
    sql = db.sql;
  });
  afterEach(() => dataSource.destroy());

  const INSERT = 'INSERT INTO idempotency_keys (id, scope, idem_key, fingerprint, status, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)';
  function* insertKey(id: string, key: string, at: Date): SqlUnit<number> {
    return yield sql.op(sql.stmt(INSERT, 'run'), [id, 's', key, 'f', 'IN_PROGRESS', sql.dateParam(at), sql.dateParam(at)]);
  }

  it('stores dates in TypeORM’s SQLite form, so TypeORM reads them back exactly', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(sqliteDatetime(at)).toBe('2026-01-02 03:04:05.678');
    await sql.transaction(() => insertKey('a', 'k1', at));
    const row = await dataSource.manager.findOneByOrFail(IdempotencyKeyEntity, { id: 'a' });
    expect(row.createdAt.toISOString()).toBe(at.toISOString());
    const raw = await sql.get(sql.stmt('SELECT created_at FROM idempotency_keys WHERE id = ?', 'get'), ['a']);
    expect(sql.readDate(raw!.created_at)!.toISOString()).toBe(at.toISOString());
  });

  it('commits concurrent units together; a failing one is rolled back alone and its caller gets the error', async () => {
    const at = new Date();
    function* twoThenFail(): SqlUnit<number> {
      yield* insertKey('c', 'k3', at);
      return yield* insertKey('d', 'k1', at); // duplicate (scope, key) of the first unit
    }
    const results = await Promise.allSettled([
      sql.transaction(() => insertKey('a', 'k1', at)),
      sql.transaction(twoThenFail),
      sql.transaction(() => insertKey('b', 'k2', at)),
      db.transaction(async (em) => em.count(IdempotencyKeyEntity)),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(results[1].status).toBe('rejected');
    expect(isUniqueViolation((results[1] as PromiseRejectedResult).reason)).toBe(true);
    expect(results[2]).toEqual({ status: 'fulfilled', value: 1 });
    const ids = (await dataSource.manager.find(IdempotencyKeyEntity)).map((k) => k.id).sort();
    expect(ids).toEqual(['a', 'b']); // 'c' went with its unit's savepoint
  });

  it('keeps the other units of the group as they ran when a unit fails at its first statement', async () => {
    const at = new Date();
    const runs = { a: 0, dup: 0, b: 0 };
    const results = await Promise.allSettled([
      sql.transaction(() => (runs.a++, insertKey('a', 'k1', at))),
      sql.transaction(() => (runs.dup++, insertKey('dup', 'k1', at))), // duplicate (scope, key): SQLite undoes the statement
      sql.transaction(() => (runs.b++, insertKey('b', 'k2', at))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(isUniqueViolation((results[1] as PromiseRejectedResult).reason)).toBe(true);
    expect(runs).toEqual({ a: 1, dup: 1, b: 1 }); // nothing to undo, so nothing ran again
    expect((await dataSource.manager.find(IdempotencyKeyEntity)).map((k) => k.id).sort()).toEqual(['a', 'b']);
  });

  it('runs the group again with a savepoint per unit when a unit fails after a statement went through', async () => {
    const at = new Date();
    let runs = 0;
    function* writeThenThrow(): SqlUnit<number> {
      runs++;
      yield* insertKey('w', 'kw', at);
      throw new Error('the unit gives up after writing');
    }
    const results = await Promise.allSettled([sql.transaction(() => insertKey('a', 'k1', at)), sql.transaction(writeThenThrow)]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('the unit gives up after writing');
    expect(runs).toBe(2);
    expect((await dataSource.manager.find(IdempotencyKeyEntity)).map((k) => k.id)).toEqual(['a']); // not 'w'
  });

  it('writeAll: the statements together, each count back; one failing undoes the others of its unit only', async () => {
    const at = new Date();
    const op = (id: string, key: string) => sql.op(sql.stmt(INSERT, 'run'), [id, 's', key, 'f', 'IN_PROGRESS', sql.dateParam(at), sql.dateParam(at)]);
    const results = await Promise.allSettled([
      sql.writeAll([op('a', 'k1'), op('b', 'k2')]),
      sql.writeAll([op('c', 'k3'), op('d', 'k1')]), // its second statement is a duplicate (scope, key) of 'a'
      sql.write(op('e', 'k4').statement, op('e', 'k4').params),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: [1, 1] });
    expect(isUniqueViolation((results[1] as PromiseRejectedResult).reason)).toBe(true);
    expect(results[2]).toEqual({ status: 'fulfilled', value: 1 });
    expect((await dataSource.manager.find(IdempotencyKeyEntity)).map((k) => k.id).sort()).toEqual(['a', 'b', 'e']);
  });

  it('never interleaves a unit with a TypeORM transaction of Db.transaction', async () => {
    const at = new Date();
    const order: string[] = [];
    const typeorm = db.transaction(async (em) => {
      order.push('typeorm-start');
      await em.insert(IdempotencyKeyEntity, { id: 't', scope: 's', key: 'kt', fingerprint: 'f', status: 'IN_PROGRESS', responseStatus: null, responseBody: null, createdAt: at, expiresAt: at });
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('typeorm-end');
    });
    const unit = sql.transaction(function* () {
      order.push('unit');
      return yield* insertKey('u', 'ku', at);
    });
    await Promise.all([typeorm, unit]);
    expect(order).toEqual(['typeorm-start', 'typeorm-end', 'unit']);
  });
});

describe('sqliteDatetime', () => {
  const fromIso = (date: Date) => {
    const iso = date.toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  };

  it('writes toISOString’s fields with a space and without the Z, for any instant', () => {
    const edges = ['2026-01-02T03:04:05.000Z', '2026-12-31T23:59:59.009Z', '2026-10-10T10:10:10.010Z', '2026-09-09T09:09:09.099Z', '1000-01-01T00:00:00.100Z', '9999-12-31T23:59:59.999Z'];
    const dates = [...edges.map((iso) => new Date(iso)), ...Array.from({ length: 2000 }, () => new Date(Math.floor(Math.random() * 8_000_000_000_000)))];
    for (const date of dates) expect(sqliteDatetime(date)).toBe(fromIso(date));
  });

  it('gives the same text again for the same instant', () => {
    const at = new Date('2026-01-02T03:04:05.006Z');
    expect(sqliteDatetime(at)).toBe('2026-01-02 03:04:05.006');
    expect(sqliteDatetime(new Date(at.getTime()))).toBe('2026-01-02 03:04:05.006');
    expect(sqliteDatetime(new Date(at.getTime() + 1))).toBe('2026-01-02 03:04:05.007');
  });

  it('falls back to toISOString outside years 1000-9999 and rejects an invalid date', () => {
    expect(sqliteDatetime(new Date('0999-06-01T00:00:00.000Z'))).toBe('0999-06-01 00:00:00.000');
    expect(() => sqliteDatetime(new Date(NaN))).toThrow(RangeError);
  });
});

describe('Sql dates', () => {
  it('reads back every stored form as the same instant', async () => {
    const dataSource = new DataSource(buildDataSourceOptions({ url: 'sqlite::memory:', migrationsRun: false, sqliteSynchronous: 'NORMAL' }));
    await dataSource.initialize();
    try {
      const sql = Sql.for(dataSource);
      for (const iso of ['2026-01-02T03:04:05.678Z', '1999-12-31T23:59:59.999Z', '2026-11-28T00:00:00.000Z', '2024-02-29T12:00:00.001Z']) {
        const at = new Date(iso);
        expect(sql.readDate(sqliteDatetime(at))!.toISOString()).toBe(iso);
      }
      expect(sql.readDate('2026-01-02 03:04:05')!.toISOString()).toBe('2026-01-02T03:04:05.000Z');
      expect(sql.readDate('2026-01-02T03:04:05.678Z')!.toISOString()).toBe('2026-01-02T03:04:05.678Z');
      expect(sql.readDate(null)).toBeNull();
    } finally {
      await dataSource.destroy();
    }
  });
});
