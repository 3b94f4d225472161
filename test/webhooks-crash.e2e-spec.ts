import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http } from './support/app-harness';
import { ChildApp, spawnApp } from './support/child-app';
import { waitFor } from './support/callback-receiver';

interface SqliteDb {
  prepare(sql: string): { get(): unknown; all(): unknown[] };
  close(): void;
}
// better-sqlite3 ships no types and @types/better-sqlite3 is not a dependency; these two calls are all we need.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string, options: { readonly: boolean }) => SqliteDb;

const SECRET = 'crash-test-webhook-secret';
const N = 12;

const childEnv = (dbFile: string, extra: Record<string, string> = {}) => ({
  DB_URL: `sqlite:${dbFile}`,
  LOG_LEVEL: 'silent',
  WEBHOOK_RATE_LIMIT_MAX: '1000000',
  PROVIDER_WEBHOOK_SECRET: SECRET,
  // ts-node compiles with swc: the child boots in about a second.
  TS_NODE_SWC: 'true',
  ...extra,
});

async function killHard(child: ChildApp): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
}

describe('crash after acknowledging webhooks (SQLite file, child process, kill -9)', () => {
  let dir: string;
  const children: ChildApp[] = [];

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'qris-crash-'))));
  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) await killHard(child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('every acknowledged event is applied after a restart: events OK, payments PAID', async () => {
    const dbFile = join(dir, 'payments.sqlite');
    // First life: takes webhooks but runs no workers, so the acknowledged events are still PENDING.
    const first = await spawnApp(childEnv(dbFile, { WORKERS: 'false' }));
    children.push(first);

    const payments = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const res = await http(first.baseUrl, 'POST', '/payments', { order_id: `CRASH-${i}-${randomUUID().slice(0, 8)}`, amount: 10_000 + i });
        expect(res.status).toBe(201);
        return res.body as { payment_id: string; order_id: string; provider_trx_id: string; amount: number };
      }),
    );
    const acks = await Promise.all(
      payments.map((p) => {
        const body = JSON.stringify({ trx_id: p.provider_trx_id, order_id: p.order_id, amount: p.amount, status: 'SUCCESS', ref_no: `R-${p.order_id}` });
        return http(first.baseUrl, 'POST', '/webhooks/qris', body, {
          'content-type': 'application/json',
          'x-signature': createHmac('sha256', SECRET).update(body).digest('hex'),
          'x-timestamp': String(Math.floor(Date.now() / 1000)),
          'x-event-id': `evt-${p.order_id}`,
        });
      }),
    );
    expect(acks.map((r) => r.status)).toEqual(Array(N).fill(200));
    await killHard(first);

    const sqlite = new Database(dbFile, { readonly: true });
    try {
      const pending = sqlite.prepare("SELECT COUNT(*) AS n FROM webhook_events WHERE status = 'PENDING'").get() as { n: number };
      expect(pending.n).toBe(N);
    } finally {
      sqlite.close();
    }

    // Second life with workers: the boot dispatch re-enqueues what the first one acknowledged.
    const second = await spawnApp(childEnv(dbFile));
    children.push(second);
    await waitFor(async () => {
      const states = await Promise.all(payments.map((p) => http(second.baseUrl, 'GET', `/payments/${p.payment_id}`)));
      return states.every((s) => s.body.status === 'PAID');
    }, 'every payment PAID', 20_000);
    await killHard(second);

    const check = new Database(dbFile, { readonly: true });
    try {
      const rows = check.prepare('SELECT status, COUNT(*) AS n FROM webhook_events GROUP BY status').all();
      expect(rows).toEqual([{ status: 'OK', n: N }]);
      const logs = check.prepare("SELECT COUNT(*) AS n FROM payment_logs WHERE event = 'WEBHOOK_SUCCESS'").get() as { n: number };
      expect(logs.n).toBe(N);
    } finally {
      check.close();
    }
  });
});
