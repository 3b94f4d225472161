import { DataSource } from 'typeorm';
import { AppError } from '../common/errors/app-error';
import { Clock } from '../common/time/clock';
import { buildDataSourceOptions } from '../database/data-source-options';
import { Db } from '../database/db';
import { IDEMPOTENCY_ABANDONED_MS, IDEMPOTENCY_TTL_MS, IdempotencyService } from './idempotency.service';

class ManualClock extends Clock {
  constructor(public current = new Date('2025-10-26T00:00:00Z')) {
    super();
  }
  now() {
    return new Date(this.current.getTime());
  }
}

/** Against a real (in-memory SQLite) database: the unique (scope, key) row is the lock. */
describe('IdempotencyService', () => {
  let dataSource: DataSource;
  let clock: ManualClock;
  let service: IdempotencyService;

  beforeEach(async () => {
    dataSource = new DataSource(buildDataSourceOptions({ url: 'sqlite::memory:', migrationsRun: true, sqliteSynchronous: 'NORMAL' }));
    await dataSource.initialize();
    clock = new ManualClock();
    service = new IdempotencyService(new Db(dataSource), clock);
  });

  afterEach(() => dataSource.destroy());

  const ok = (body: unknown) => async () => ({ status: 201, body });

  it('runs the work once and replays its response for the same fingerprint', async () => {
    let runs = 0;
    const work = async () => ({ status: 201, body: { n: ++runs } });
    expect(await service.run('s', 'k', 'f1', work)).toEqual({ status: 201, body: { n: 1 }, replayed: false });
    expect(await service.run('s', 'k', 'f1', work)).toEqual({ status: 201, body: { n: 1 }, replayed: true });
    expect(runs).toBe(1);
  });

  it('refuses another fingerprint with 422', async () => {
    await service.run('s', 'k', 'f1', ok({}));
    await expect(service.run('s', 'k', 'f2', ok({}))).rejects.toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('answers 409 while the first request is in flight, then replays', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = service.run('s', 'k', 'f1', async () => {
      await gate;
      return { status: 201, body: { first: true } };
    });
    await new Promise((r) => setImmediate(r));
    await expect(service.run('s', 'k', 'f1', ok({}))).rejects.toMatchObject({ status: 409, code: 'IDEMPOTENCY_REQUEST_IN_PROGRESS' });
    release();
    await first;
    expect((await service.run('s', 'k', 'f1', ok({}))).body).toEqual({ first: true });
  });

  it('scopes keys: the same key under another scope is independent', async () => {
    await service.run('merchant-a', 'k', 'f1', ok({ a: 1 }));
    expect(await service.run('merchant-b', 'k', 'f2', ok({ b: 1 }))).toMatchObject({ replayed: false, body: { b: 1 } });
  });

  it('releases the key after a 5xx or an unexpected error so a retry runs again', async () => {
    await expect(service.run('s', 'k', 'f1', async () => Promise.reject(new AppError(502, 'PROVIDER_UNAVAILABLE', 'down')))).rejects.toBeInstanceOf(AppError);
    await expect(service.run('s', 'k', 'f1', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await service.run('s', 'k', 'f1', ok({ third: true }))).toMatchObject({ replayed: false, body: { third: true } });
  });

  it('saves a final 4xx as a problem and replays it; does not save a 409', async () => {
    await expect(service.run('s', 'k', 'f1', async () => Promise.reject(AppError.conflict('ORDER_ALREADY_PAID', 'paid')))).rejects.toMatchObject({ status: 409 });
    expect(await service.run('s', 'k', 'f1', ok({ retried: true }))).toMatchObject({ replayed: false });

    await expect(service.run('s', 'k2', 'f1', async () => Promise.reject(AppError.badRequest('X', 'bad')))).rejects.toMatchObject({ status: 400 });
    expect(await service.run('s', 'k2', 'f1', ok({}))).toMatchObject({ status: 400, replayed: true, body: { code: 'X', status: 400 } });
  });

  it('forgets a key after 24 hours, and lets a retry take over a key abandoned by a crashed request', async () => {
    await service.run('s', 'k', 'f1', ok({ day: 1 }));
    clock.current = new Date(clock.current.getTime() + IDEMPOTENCY_TTL_MS + 1);
    expect(await service.run('s', 'k', 'f2', ok({ day: 2 }))).toMatchObject({ replayed: false, body: { day: 2 } });

    const never = new Promise<never>(() => undefined);
    void service.run('s', 'stuck', 'f1', () => never);
    await new Promise((r) => setImmediate(r));
    await expect(service.run('s', 'stuck', 'f1', ok({}))).rejects.toMatchObject({ status: 409 });
    clock.current = new Date(clock.current.getTime() + IDEMPOTENCY_ABANDONED_MS + 1);
    expect(await service.run('s', 'stuck', 'f1', ok({ took: 'over' }))).toMatchObject({ replayed: false, body: { took: 'over' } });
  });
});
