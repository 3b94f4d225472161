import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReconciliationRunEntity } from '../../src/database/entities/reconciliation-run.entity';
import { Db } from '../../src/database/db';
import { PaymentLogEntity } from '../../src/database/entities/payment-log.entity';
import { TestClock, startApp } from '../support/app-harness';
import { createPayment, statusOf } from './seed';

const ROOT = join(__dirname, '..', '..');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as `npm run job:*` runs it, from the TypeScript sources (SWC) instead of a build. */
function runJob(args: string[], env: Record<string, string>): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/cli/run-job.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', TS_NODE_SWC: 'true', TZ: 'UTC', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Each spawn compiles the CLI with SWC and boots Nest: seconds each on a busy machine.
jest.setTimeout(180_000);

describe('run-job CLI (SQLite)', () => {
  let dir: string;
  let dbUrl: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qris-cli-'));
    dbUrl = `sqlite:${join(dir, 'payments.sqlite')}`;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs expire and reconcile once with a one-line JSON summary, and rejects bad arguments with exit 2', async () => {
    // Two payments created in the past (test clock) are long due by the CLI's real clock.
    const running = await startApp({ DB_URL: dbUrl }, { clock: new TestClock(new Date('2025-10-26T02:00:00Z')) });
    const payments = [await createPayment(running, { expiry_minutes: 1 }), await createPayment(running, { expiry_minutes: 1 })];
    await running.close();

    const env = { DB_URL: dbUrl, LOG_LEVEL: 'silent' };
    const [expire, reconcile, futureDate] = await Promise.all([
      runJob(['expire'], env),
      runJob(['reconcile', '--date', '2025-10-26'], env),
      runJob(['reconcile', '--date', '2999-01-01'], env),
    ]);

    expect(expire.code).toBe(0);
    expect(expire.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(expire.stdout)).toMatchObject({ job: 'expire', ok: true, expired: 2, failed: 0 });

    expect(reconcile.code).toBe(0);
    expect(JSON.parse(reconcile.stdout)).toMatchObject({ job: 'reconcile', ok: true, date: '2025-10-26', status: 'DONE', matched: 0 });

    expect(futureDate.code).toBe(2);
    expect(futureDate.stderr).toContain('usage: run-job');
    expect(futureDate.stdout).toBe('');

    const check = await startApp({ DB_URL: dbUrl });
    try {
      const db = check.app.get(Db);
      for (const p of payments) expect(await statusOf(db, p.id)).toBe('EXPIRED');
      expect(await db.manager.count(PaymentLogEntity, { where: { event: 'EXPIRE' } })).toBe(2);
      expect(await db.manager.findOneBy(ReconciliationRunEntity, { settlementDate: '2025-10-26' })).toMatchObject({ status: 'DONE', trigger: 'cli' });
    } finally {
      await check.close();
    }
  });

  it('exits 2 with the usage on bad arguments, 1 with ok:false when the job fails', async () => {
    const [badArgs, failing] = await Promise.all([
      runJob(['reconcile', '--date', '2025-02-30'], { DB_URL: dbUrl }),
      // An empty database without migrations: the job's first query fails.
      runJob(['expire'], { DB_URL: `sqlite:${join(dir, 'empty.sqlite')}`, DB_MIGRATIONS_RUN: 'false' }),
    ]);
    expect(badArgs.code).toBe(2);
    expect(badArgs.stderr).toContain('usage: run-job');
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout)).toMatchObject({ job: 'expire', ok: false, error: expect.stringContaining('payments') });
  });
});
