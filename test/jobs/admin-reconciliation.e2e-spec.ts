import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppModule } from '../../src/app.module';
import { AppError } from '../../src/common/errors/app-error';
import { ProblemFilter } from '../../src/common/errors/problem.filter';
import { validateEnv } from '../../src/config/env';
import { Db } from '../../src/database/db';
import { ReconciliationRunEntity } from '../../src/database/entities/reconciliation-run.entity';
import { JobsModule } from '../../src/jobs/jobs.module';
import { JobsScheduler } from '../../src/jobs/jobs.scheduler';
import { InProcessJobQueue } from '../../src/queue/in-process.queue';
import { JOB_QUEUE, JobQueue, QUEUES } from '../../src/queue/job-queue';
import { ReconciliationModule } from '../../src/reconciliation/reconciliation.module';
import { ReconciliationWorker } from '../../src/reconciliation/reconciliation.worker';
import { TestClock, http } from '../support/app-harness';
import { TestDatabase, testDatabases } from '../support/databases';
import { ValidationPipe } from '@nestjs/common';

/**
 * Until the QueueModule is part of AppModule, this suite adds an in-process JOB_QUEUE and the
 * forService() parts (admin API, crons, workers) around the app itself.
 * TODO(queue): once AppModule imports QueueModule, JobsModule.forService() and
 * ReconciliationModule.forService(), boot with startApp() instead.
 */
async function startWithQueue(env: Record<string, string>, clock: TestClock) {
  const validated = validateEnv({ LOG_LEVEL: 'silent', CRON_ENABLED: 'false', RATE_LIMIT_MAX: '1000000', ...env });
  const queue = new InProcessJobQueue();
  @Global()
  @Module({ providers: [{ provide: JOB_QUEUE, useValue: queue }], exports: [JOB_QUEUE] })
  class TestQueueModule {}
  @Module({ imports: [TestQueueModule, AppModule.register(validated, { clock }), JobsModule.forService(), ReconciliationModule.forService()] })
  class Root {}
  const app = await NestFactory.create<NestFastifyApplication>(Root, new FastifyAdapter(), { logger: false });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: () => AppError.badRequest('VALIDATION_FAILED', 'The request is invalid.'),
    }),
  );
  app.useGlobalFilters(new ProblemFilter());
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, queue: queue as JobQueue, baseUrl: `http://127.0.0.1:${port}` };
}

const ADMIN = { authorization: 'Bearer test-admin-key-0123456789' };

describe.each(testDatabases())('admin reconciliations and job ticks on %s', (_name, makeDatabase) => {
  let database: TestDatabase;
  let app: NestFastifyApplication;
  let queue: JobQueue;
  let baseUrl: string;
  const clock = new TestClock(new Date('2025-10-26T18:00:00Z')); // 01:00 on 27 Oct in Jakarta

  beforeAll(async () => {
    database = await makeDatabase();
    ({ app, queue, baseUrl } = await startWithQueue({ DB_URL: database.url, ADMIN_API_KEY: 'test-admin-key-0123456789' }, clock));
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const waitFor = async <T>(probe: () => Promise<T | undefined>): Promise<T> => {
    for (let i = 0; i < 200; i++) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('timed out');
  };

  it('POST queues a run (202) that a worker completes; GET shows the latest report', async () => {
    const res = await http(baseUrl, 'POST', '/admin/reconciliations', { date: '2025-10-26' }, ADMIN);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ run_id: expect.any(String), date: '2025-10-26', status: 'QUEUED' });
    const report = await waitFor(async () => {
      const r = await http(baseUrl, 'GET', '/admin/reconciliations/2025-10-26', undefined, ADMIN);
      return r.body.status === 'DONE' ? r : undefined;
    });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ run_id: res.body.run_id, date: '2025-10-26', provider: 'mock', trigger: 'admin', report: { counts: { matched: 0 } } });
    expect(report.body.finished_at).toMatch(/\+07:00$/);
  });

  it.each([
    ['a future day', { date: '2025-10-28' }],
    ['not a date', { date: '26-10-2025' }],
    ['an impossible date', { date: '2025-02-30' }],
    ['an unknown field', { date: '2025-10-26', force: true }],
    ['no date', {}],
  ])('POST rejects %s with 400 and queues nothing', async (_label, body) => {
    const runs = () => app.get(Db).manager.count(ReconciliationRunEntity);
    const before = await runs();
    const res = await http(baseUrl, 'POST', '/admin/reconciliations', body, ADMIN);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await runs()).toBe(before);
  });

  it('GET: 404 for a day never reconciled, 400 for a bad date, 401 without the key', async () => {
    expect((await http(baseUrl, 'GET', '/admin/reconciliations/2025-10-01', undefined, ADMIN)).status).toBe(404);
    expect((await http(baseUrl, 'GET', '/admin/reconciliations/yesterday', undefined, ADMIN)).status).toBe(400);
    expect((await http(baseUrl, 'GET', '/admin/reconciliations/2025-10-26')).status).toBe(401);
    expect((await http(baseUrl, 'POST', '/admin/reconciliations', { date: '2025-10-26' })).status).toBe(401);
  });

  it('ticks enqueue one job per minute however often they fire; the reconcile tick takes the previous Jakarta day', async () => {
    const scheduler = app.get(JobsScheduler);
    const ticks = await Promise.all([scheduler.tickExpire(), scheduler.tickExpire(), scheduler.tickExpire()]);
    expect(new Set(ticks).size).toBe(1);
    expect(ticks[0]).toBe('2025-10-26T18:00Z');
    expect(await app.get(ReconciliationWorker).tick()).toBe('2025-10-26');
    const run = await waitFor(async () => {
      const r = await http(baseUrl, 'GET', '/admin/reconciliations/2025-10-26', undefined, ADMIN);
      return r.body.trigger === 'cron' && r.body.status === 'DONE' ? r.body : undefined;
    });
    expect(run.report.date).toBe('2025-10-26');
    expect((await queue.counts(QUEUES.expire)).failed).toBe(0);
  });

  it('registers no cron with CRON_ENABLED=false (the test default)', () => {
    expect(app.get(SchedulerRegistry).getCronJobs().size).toBe(0);
  });
});
