/**
 * Multi-instance correctness bench: 2 API processes (WORKERS=false) + 2 worker processes
 * (dist/src/worker.js) sharing one fresh MariaDB database and one Redis (unique QUEUE_PREFIX), a local
 * callback receiver, duplicated creates and webhooks sent to both APIs, and the expiry cron. Then the
 * invariants are checked in the database and in what the receiver saw; exit code 1 if any fails.
 *
 *   npm run bench:instances [-- --orders 300] [--keep] [--no-write]
 *   BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306), BENCH_REDIS_URL (default redis://127.0.0.1:6379)
 *
 * Orders (default 300): i % 10 >= 2 are paid (3 distinct SUCCESS event ids, each sent to both APIs, one
 * of them twice more to the same API); i % 10 < 2 are created with expiry_minutes 1 and left unpaid until
 * the expiry cron (EXPIRE_CRON every 10 s; the job id is per minute) expires them; i % 20 === 1 of those
 * are then paid late (LATE_PAYMENT). Every order is POSTed 4 times at once: to API A and API B with the
 * same Idempotency-Key, and to A and B without one. Every 5th order's callbacks get a 500 on their first
 * attempt (the retry must deliver them, with the same webhook-id).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mockWebhookHeaders } from '../src/providers/mock/mock.webhook';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteRedisPrefix } from '../test/support/redis';
import { Child, HOST, ROOT, argValue, freePort, machineInfo, mysqlDatabase, sleep, startChild, uniqueTag } from './lib';

const args = process.argv.slice(2);
const ORDERS = Number(argValue(args, '--orders') ?? 300);
const keep = args.includes('--keep');
const outFile = args.includes('--no-write') ? undefined : join(__dirname, 'instances-results.json');
const WEBHOOK_SECRET = 'dev-webhook-secret';
const CALLBACK_KEY = 'dev-callback-signing-key';
const EXPIRE_CRON = '*/10 * * * * *';
const EXPIRY_WAIT_MS = 150_000;
if (!(ORDERS >= 20 && ORDERS <= 5000)) throw new Error('--orders 20..5000');

const DIST = join(ROOT, `.bench-dist-${process.pid}`);
function snapshotDist(): void {
  for (let attempt = 1; ; attempt++) {
    rmSync(DIST, { recursive: true, force: true });
    cpSync(join(ROOT, 'dist'), DIST, { recursive: true });
    if (missingFromSnapshot().length === 0) return;
    if (attempt === 20) throw new Error('dist/ is incomplete (a build running elsewhere?); run npm run build and retry');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
  }
}

/** Every src/**.ts (not spec) must have its .js in the snapshot: a teammate's build may be half-way. */
function missingFromSnapshot(): string[] {
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const rel = join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (rel.endsWith('.ts') && !rel.endsWith('.spec.ts') && !rel.endsWith('.d.ts') && !existsSync(join(DIST, rel.replace(/\.ts$/, '.js')))) missing.push(rel);
    }
  };
  walk('src');
  return missing;
}

type Kind = 'paid' | 'unpaid' | 'late';
interface Order {
  i: number;
  orderId: string;
  amount: number;
  kind: Kind;
  flaky: boolean;
  paymentIds: Set<string>;
  trxId?: string;
}

/** A worker process has no port: ready when its log says so. */
function startWorker(name: string, env: Record<string, string>, cwd: string, logFile: string): Promise<Child> {
  return startChild({ name, script: join(DIST, 'src', 'worker.js'), env, cwd, logFile, readyLogLine: 'worker started' });
}

interface Received {
  webhookId: string;
  paymentId: string;
  orderId: string;
  status: string;
  answered: number;
  signatureOk: boolean;
}

function startReceiver(flakyOrders: Set<string>) {
  const received: Received[] = [];
  const seenIds = new Set<string>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const webhookId = String(req.headers['webhook-id'] ?? '');
      let body: any = {};
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        /* recorded as is */
      }
      const expected = createHmac('sha256', CALLBACK_KEY).update(raw).digest('hex');
      const first = !seenIds.has(webhookId);
      seenIds.add(webhookId);
      const answered = first && flakyOrders.has(body.order_id) ? 500 : 200;
      received.push({ webhookId, paymentId: body.payment_id, orderId: body.order_id, status: body.status, answered, signatureOk: req.headers['x-callback-signature'] === expected });
      res.writeHead(answered, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  return { server, received };
}

/** Runs fn over items with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

function signedWebhook(o: Order, eventId: string) {
  const body = JSON.stringify({ trx_id: o.trxId, order_id: o.orderId, amount: o.amount, status: 'SUCCESS', ref_no: `REF${o.i}` });
  return {
    body,
    headers: mockWebhookHeaders(WEBHOOK_SECRET, body, eventId, Math.floor(Date.now() / 1000)),
  };
}

async function main(): Promise<void> {
  const tag = uniqueTag();
  const tmp = mkdtempSync(join(tmpdir(), 'qris-instances-'));
  const children: Child[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  const serverUrl = process.env.BENCH_MYSQL_URL || 'mysql://root@127.0.0.1:3306';
  const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
  const prefix = `qris-inst-${tag}`;
  const orders: Order[] = Array.from({ length: ORDERS }, (_, i) => ({
    i,
    orderId: `MI-${tag}-${i}`,
    amount: 10_000 + (i % 50) * 1_000,
    kind: i % 20 === 1 ? 'late' : i % 10 < 2 ? 'unpaid' : 'paid',
    flaky: i % 5 === 3,
    paymentIds: new Set<string>(),
  }));
  const flaky = new Set(orders.filter((o) => o.flaky).map((o) => o.orderId));
  const { server: receiver, received } = startReceiver(flaky);
  let mysqlConn: any;
  try {
    snapshotDist();
    cleanups.push(async () => rmSync(DIST, { recursive: true, force: true }));
    const db = await mysqlDatabase(serverUrl);
    cleanups.push(() => db.drop());
    cleanups.push(() => deleteRedisPrefix(redisUrl, prefix));
    const recvPort = await freePort();
    await new Promise<void>((r) => receiver.listen(recvPort, HOST, r));
    const callbackUrl = `http://${HOST}:${recvPort}/callback`;
    const env: Record<string, string> = {
      DB_URL: db.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      RATE_LIMIT_REDIS_PREFIX: `${prefix}:ratelimit:`,
      RATE_LIMIT_MAX: '1000000000',
      RATE_LIMIT_WINDOW_SECONDS: '60',
      WEBHOOK_RATE_LIMIT_MAX: '1000000000',
      WEBHOOK_RATE_LIMIT_WINDOW_SECONDS: '60',
      CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
      CRON_ENABLED: 'true',
      EXPIRE_CRON,
      LOG_LEVEL: 'info',
    };
    const startApi = async (name: string) =>
      startChild({ name, script: join(DIST, 'src', 'main.js'), env: { ...env, WORKERS: 'false' }, port: await freePort(), cwd: tmp, logFile: join(tmp, `${name}.log`), readyPath: '/health' });
    // The first API migrates the fresh database alone; the other three start together.
    const apiA = await startApi('api-a');
    children.push(apiA);
    const rest = await Promise.all([startApi('api-b'), startWorker('worker-1', env, tmp, join(tmp, 'worker-1.log')), startWorker('worker-2', env, tmp, join(tmp, 'worker-2.log'))]);
    children.push(...rest);
    const apiB = rest[0];
    const apis = [apiA, apiB];
    process.stdout.write(`APIs ${apiA.baseUrl} ${apiB.baseUrl}, 2 workers, MariaDB ${db.name}, Redis prefix ${prefix}, receiver ${callbackUrl}\n`);

    // --- creates: every order 4 times at once over both APIs, two with one Idempotency-Key
    const createStatus: Record<string, number> = {};
    const createFailures: string[] = [];
    const t0 = Date.now();
    const post = async (base: string, o: Order, key?: string) => {
      const body = JSON.stringify({ order_id: o.orderId, amount: o.amount, callback_url: callbackUrl, ...(o.kind === 'paid' ? {} : { expiry_minutes: 1 }) });
      const res = await fetch(`${base}/payments`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body });
      const text = await res.text();
      createStatus[res.status] = (createStatus[res.status] ?? 0) + 1;
      if (res.status === 200 || res.status === 201) {
        const b = JSON.parse(text);
        o.paymentIds.add(b.payment_id);
        o.trxId = b.provider_trx_id;
      } else if (res.status !== 409 && createFailures.length < 10) createFailures.push(`${res.status} ${text.slice(0, 200)}`);
      return res.status;
    };
    // Unpaid ones first, so their minute of life overlaps the rest of the load.
    const createOrder = [...orders].sort((a, b) => Number(a.kind === 'paid') - Number(b.kind === 'paid'));
    await pool(createOrder, 12, async (o) => {
      const key = `idem-${tag}-${o.i}`;
      await Promise.all([post(apiA.baseUrl, o, key), post(apiB.baseUrl, o, key), post(apiA.baseUrl, o), post(apiB.baseUrl, o)]);
      for (let t = 0; !o.trxId && t < 10; t++) {
        await sleep(200);
        await post(apis[t % 2].baseUrl, o);
      }
    });
    const createSeconds = (Date.now() - t0) / 1000;
    const createdAt = Date.now();
    process.stdout.write(`creates: ${ORDERS * 4} requests in ${createSeconds.toFixed(1)} s ${JSON.stringify(createStatus)}\n`);

    // --- webhooks: 3 distinct event ids per paid payment, each to both APIs, the first twice more to one
    const webhookStatus: Record<string, number> = {};
    const webhookFailures: string[] = [];
    const sentEventIds = new Set<string>();
    const sendWebhook = async (base: string, o: Order, eventId: string) => {
      sentEventIds.add(eventId);
      const w = signedWebhook(o, eventId);
      const res = await fetch(`${base}/webhooks/qris`, { method: 'POST', headers: w.headers, body: w.body });
      const text = await res.text();
      webhookStatus[res.status] = (webhookStatus[res.status] ?? 0) + 1;
      if (res.status !== 200 && webhookFailures.length < 10) webhookFailures.push(`${res.status} ${text.slice(0, 200)}`);
    };
    const payStorm = async (o: Order, distinct: number) => {
      const ids = Array.from({ length: distinct }, () => `evt-${randomUUID()}`);
      const sends = ids.flatMap((id) => apis.map((a) => sendWebhook(a.baseUrl, o, id)));
      sends.push(sendWebhook(apiA.baseUrl, o, ids[0]), sendWebhook(apiB.baseUrl, o, ids[0]));
      await Promise.all(sends);
    };
    const t1 = Date.now();
    const paid = orders.filter((o) => o.kind === 'paid' && o.trxId);
    await pool(paid, 12, (o) => payStorm(o, 3));
    process.stdout.write(`webhooks: ${paid.length} payments, ${Object.values(webhookStatus).reduce((a, b) => a + b, 0)} requests in ${((Date.now() - t1) / 1000).toFixed(1)} s ${JSON.stringify(webhookStatus)}\n`);

    // --- wait: paid ones PAID, then unpaid ones EXPIRED by the cron (bounded), then late payments
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mysql = require('mysql2/promise');
    mysqlConn = await mysql.createConnection(db.url);
    const q = async (sql: string, params: unknown[] = []): Promise<any[]> => (await mysqlConn.query(sql, params))[0];
    const statusOf = async () => new Map<string, string>((await q('SELECT order_id, status FROM payments')).map((r) => [r.order_id, r.status]));
    const waitFor = async (label: string, deadlineMs: number, done: (s: Map<string, string>) => boolean) => {
      const t = Date.now();
      for (;;) {
        const s = await statusOf();
        if (done(s)) return { label, ok: true, seconds: (Date.now() - t) / 1000 };
        if (Date.now() > deadlineMs) return { label, ok: false, seconds: (Date.now() - t) / 1000 };
        await sleep(1000);
      }
    };
    const waits = [];
    waits.push(await waitFor('paid -> PAID', Date.now() + 60_000, (s) => paid.every((o) => s.get(o.orderId) === 'PAID')));
    const dueOnes = orders.filter((o) => o.kind !== 'paid');
    waits.push(await waitFor('unpaid -> EXPIRED', createdAt + EXPIRY_WAIT_MS, (s) => dueOnes.every((o) => s.get(o.orderId) === 'EXPIRED')));
    process.stdout.write(`expiry: ${waits[1].ok ? 'all' : 'NOT all'} ${dueOnes.length} due payments EXPIRED ${Math.round((Date.now() - createdAt) / 1000)} s after the creates\n`);
    const late = orders.filter((o) => o.kind === 'late' && o.trxId);
    await pool(late, 12, (o) => payStorm(o, 2));
    waits.push(await waitFor('late -> PAID', Date.now() + 60_000, (s) => late.every((o) => s.get(o.orderId) === 'PAID')));

    // --- wait for the callbacks: every delivery row DELIVERED, then 5 s more to catch repeats
    const tc = Date.now();
    for (;;) {
      const [{ n }] = await q(`SELECT COUNT(*) AS n FROM callback_deliveries WHERE status <> 'DELIVERED'`);
      if (Number(n) === 0 || Date.now() - tc > 90_000) {
        waits.push({ label: 'callbacks DELIVERED', ok: Number(n) === 0, seconds: (Date.now() - tc) / 1000 });
        break;
      }
      await sleep(1000);
    }
    await sleep(5000);

    // --- invariants
    const payments = await q('SELECT id, order_id, status FROM payments');
    const logs = await q('SELECT payment_id, event, payload FROM payment_logs');
    const deliveries = await q('SELECT id, payment_id, payment_status, status, attempts FROM callback_deliveries');
    const events = await q('SELECT status, COUNT(*) AS n FROM webhook_events GROUP BY status');
    const byOrder = new Map<string, any[]>();
    for (const p of payments) byOrder.set(p.order_id, [...(byOrder.get(p.order_id) ?? []), p]);
    const count = <T>(rows: T[], key: (r: T) => string) => {
      const m = new Map<string, number>();
      for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
      return m;
    };
    const logCount = count(logs, (l: any) => `${l.payment_id}|${l.event}`);
    const delCount = count(deliveries, (d: any) => `${d.payment_id}|${d.payment_status}`);
    const ok200 = received.filter((r) => r.answered === 200);
    const recvIds = new Map<string, Set<string>>();
    for (const r of ok200) {
      const k = `${r.paymentId}|${r.status}`;
      if (!recvIds.has(k)) recvIds.set(k, new Set());
      recvIds.get(k)!.add(r.webhookId);
    }
    const deliveryIdSet = new Set(deliveries.map((d: any) => d.id));
    const pid = (o: Order) => byOrder.get(o.orderId)?.[0]?.id as string | undefined;
    const checks: Array<{ name: string; ok: boolean; detail: string }> = [];
    const check = (name: string, bad: string[], total: number) => checks.push({ name, ok: bad.length === 0, detail: bad.length ? `${bad.length} of ${total} bad, e.g. ${bad.slice(0, 5).join('; ')}` : `${total} ok` });

    check('no 5xx/unexpected create answers (200/201/409 only)', createFailures, ORDERS * 4);
    check('every webhook request answered 200', webhookFailures, Object.values(webhookStatus).reduce((a, b) => a + b, 0));
    check('responses for one order name one payment', orders.filter((o) => o.paymentIds.size !== 1).map((o) => `${o.orderId}: ${[...o.paymentIds].join(',') || 'none'}`), ORDERS);
    check('one payment per order_id', orders.filter((o) => (byOrder.get(o.orderId)?.length ?? 0) !== 1).map((o) => `${o.orderId}: ${byOrder.get(o.orderId)?.length ?? 0} rows`), ORDERS);
    check('no payment rows for unknown orders', payments.filter((p: any) => !orders.some((o) => o.orderId === p.order_id)).map((p: any) => p.order_id), payments.length);
    check('exactly one QR_ISSUED log per payment', payments.filter((p: any) => logCount.get(`${p.id}|QR_ISSUED`) !== 1).map((p: any) => `${p.order_id}: ${logCount.get(`${p.id}|QR_ISSUED`) ?? 0}`), payments.length);
    const paidAll = orders.filter((o) => o.kind !== 'unpaid');
    check('paid/late payments are PAID', paidAll.filter((o) => byOrder.get(o.orderId)?.[0]?.status !== 'PAID').map((o) => `${o.orderId}: ${byOrder.get(o.orderId)?.[0]?.status}`), paidAll.length);
    check('exactly one PAID transition log (WEBHOOK_SUCCESS for paid, LATE_PAYMENT for late, not both)', paidAll.filter((o) => {
      const id = pid(o);
      const ws = logCount.get(`${id}|WEBHOOK_SUCCESS`) ?? 0;
      const lp = logCount.get(`${id}|LATE_PAYMENT`) ?? 0;
      return o.kind === 'paid' ? !(ws === 1 && lp === 0) : !(ws === 0 && lp === 1);
    }).map((o) => `${o.orderId}: WEBHOOK_SUCCESS ${logCount.get(`${pid(o)}|WEBHOOK_SUCCESS`) ?? 0}, LATE_PAYMENT ${logCount.get(`${pid(o)}|LATE_PAYMENT`) ?? 0}`), paidAll.length);
    check('exactly one PAID callback delivery row per paid payment', paidAll.filter((o) => delCount.get(`${pid(o)}|PAID`) !== 1).map((o) => `${o.orderId}: ${delCount.get(`${pid(o)}|PAID`) ?? 0}`), paidAll.length);
    check('receiver got exactly one distinct webhook-id for PAID (2xx)', paidAll.filter((o) => recvIds.get(`${pid(o)}|PAID`)?.size !== 1).map((o) => `${o.orderId}: ${recvIds.get(`${pid(o)}|PAID`)?.size ?? 0}`), paidAll.length);
    const dueAll = orders.filter((o) => o.kind !== 'paid');
    check('due unpaid payments were EXPIRED by the cron (one EXPIRE log)', dueAll.filter((o) => logCount.get(`${pid(o)}|EXPIRE`) !== 1).map((o) => `${o.orderId}: ${logCount.get(`${pid(o)}|EXPIRE`) ?? 0}`), dueAll.length);
    check('unpaid payments are EXPIRED', orders.filter((o) => o.kind === 'unpaid' && byOrder.get(o.orderId)?.[0]?.status !== 'EXPIRED').map((o) => `${o.orderId}: ${byOrder.get(o.orderId)?.[0]?.status}`), dueAll.length - late.length);
    check('exactly one EXPIRED callback delivery row per expired payment', dueAll.filter((o) => delCount.get(`${pid(o)}|EXPIRED`) !== 1).map((o) => `${o.orderId}: ${delCount.get(`${pid(o)}|EXPIRED`) ?? 0}`), dueAll.length);
    check('receiver got exactly one distinct webhook-id for EXPIRED (2xx)', dueAll.filter((o) => recvIds.get(`${pid(o)}|EXPIRED`)?.size !== 1).map((o) => `${o.orderId}: ${recvIds.get(`${pid(o)}|EXPIRED`)?.size ?? 0}`), dueAll.length);
    check('no EXPIRE log or EXPIRED callback for payments paid in time', orders.filter((o) => o.kind === 'paid' && ((logCount.get(`${pid(o)}|EXPIRE`) ?? 0) || (delCount.get(`${pid(o)}|EXPIRED`) ?? 0))).map((o) => o.orderId), paid.length);
    check('every callback delivery row DELIVERED', deliveries.filter((d: any) => d.status !== 'DELIVERED').map((d: any) => `${d.id} ${d.payment_status} ${d.status} attempts ${d.attempts}`), deliveries.length);
    check('every received webhook-id is a delivery row, correctly signed', received.filter((r) => !deliveryIdSet.has(r.webhookId) || !r.signatureOk).map((r) => `${r.webhookId} sig ${r.signatureOk}`), received.length);
    const errorLogs = logs.filter((l: any) => l.event === 'ERROR');
    check('no payment_logs ERROR rows (none expected: every webhook matches its payment)', errorLogs.map((l: any) => `${l.payment_id}: ${String(l.payload).slice(0, 160)}`), logs.length);
    const evStatus = Object.fromEntries(events.map((e: any) => [e.status, Number(e.n)]));
    check('webhook_events: one row per distinct event id, all OK', (evStatus.OK ?? 0) === sentEventIds.size && Object.keys(evStatus).length === 1 ? [] : [`${JSON.stringify(evStatus)} for ${sentEventIds.size} distinct event ids`], sentEventIds.size);
    for (const w of waits) if (!w.ok) checks.push({ name: `wait: ${w.label}`, ok: false, detail: `not reached in ${w.seconds} s` });

    // At-least-once: the same webhook-id delivered (2xx) more than once is allowed, reported here.
    const repeats = ok200.length - new Set(ok200.map((r) => r.webhookId)).size;
    const retried500 = received.filter((r) => r.answered === 500).length;
    const eventCounts = Object.fromEntries([...count(logs, (l: any) => l.event)].sort());
    const lines = ['| invariant | result | detail |', '|---|---|---|', ...checks.map((c) => `| ${c.name} | ${c.ok ? 'PASS' : 'FAIL'} | ${c.detail} |`)];
    const table = lines.join('\n');
    const summary = {
      orders: ORDERS,
      kinds: { paid: paid.length, unpaidExpired: dueAll.length - late.length, latePaid: late.length, flakyCallbackOrders: flaky.size },
      createRequests: ORDERS * 4,
      createStatus,
      createSeconds,
      webhookRequests: Object.values(webhookStatus).reduce((a, b) => a + b, 0),
      distinctEventIds: sentEventIds.size,
      webhookStatus,
      waits,
      paymentLogEvents: eventCounts,
      callbackDeliveryRows: deliveries.length,
      callbacksReceived: received.length,
      callbacksAnswered500: retried500,
      repeatedWebhookIdDeliveries: repeats,
    };
    process.stdout.write(`\n${table}\n\n${JSON.stringify(summary)}\n`);
    for (const c of children.reverse()) await c.stop();
    children.length = 0;
    const failed = checks.filter((c) => !c.ok);
    if (outFile) {
      writeFileSync(outFile, `${JSON.stringify({ machine: machineInfo(), config: { orders: ORDERS, expireCron: EXPIRE_CRON, apis: 2, workers: 2, db: 'MariaDB (fresh database)', redis: 'unique QUEUE_PREFIX' }, summary, checks, pass: failed.length === 0, table }, null, 2)}\n`);
      process.stdout.write(`wrote ${outFile}\n`);
    }
    if (failed.length) {
      process.stdout.write(`FAILED: ${failed.map((c) => c.name).join('; ')}\n`);
      process.exitCode = 1;
    } else process.stdout.write('all invariants hold\n');
  } finally {
    await mysqlConn?.end().catch(() => undefined);
    for (const c of children.reverse()) await c.stop().catch(() => undefined);
    receiver.close();
    for (const c of cleanups.reverse()) await c().catch((e) => process.stderr.write(`cleanup: ${e}\n`));
    if (keep) process.stdout.write(`kept ${tmp}\n`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(process.exitCode ?? 0), (error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
