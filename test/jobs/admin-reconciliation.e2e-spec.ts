import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Db } from '../../src/database/db';
import { ReconciliationRunEntity } from '../../src/database/entities/reconciliation-run.entity';
import { JobsScheduler } from '../../src/jobs/jobs.scheduler';
import { JOB_QUEUE, JobQueue, QUEUES } from '../../src/queue/job-queue';
import { ReconciliationWorker } from '../../src/reconciliation/reconciliation.worker';
import { RunningApp, TestClock, http, startApp } from '../support/app-harness';
import { TestDatabase, testDatabases } from '../support/databases';

const ADMIN = { authorization: 'Bearer test-admin-key-0123456789' };

describe.each(testDatabases())('admin reconciliations and job ticks on %s', (_name, makeDatabase) => {
  let database: TestDatabase;
  let running: RunningApp;
  let app: NestFastifyApplication;
  let queue: JobQueue;
  let baseUrl: string;
  const clock = new TestClock(new Date('2025-10-26T18:00:00Z')); // 01:00 on 27 Oct in Jakarta

  beforeAll(async () => {
    database = await makeDatabase();
    running = await startApp({ ...database.appEnv, ADMIN_API_KEY: 'test-admin-key-0123456789' }, { clock });
    ({ app, baseUrl } = running);
    queue = app.get<JobQueue>(JOB_QUEUE);
  });

  afterAll(async () => {
    await running?.close();
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
    const expireCounts = await waitFor(async () => {
      const c = await queue.counts(QUEUES.expire);
      return c.waiting + c.active + c.delayed === 0 ? c : undefined;
    });
    expect(expireCounts.failed).toBe(0);
  });

  it('registers no cron with CRON_ENABLED=false (the test default)', () => {
    expect(app.get(SchedulerRegistry).getCronJobs().size).toBe(0);
  });
});
