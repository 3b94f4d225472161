/**
 * Behaviour at volume: does the service stay as fast with N payments as with 10k, and do the bulk paths
 * (expire job, CSV export, reconciliation) stay bounded?
 *
 *   npm run bench:scale                       100,000 rows, SQLite (a quick check)
 *   npm run bench:scale -- --rows 1000000     the real target
 *   options: --db mysql (BENCH_MYSQL_URL, default mysql://root@127.0.0.1:3306; fresh database, dropped after)
 *            --due 100000  --settlements 100000  --duration 10  --rate 200  --csv-timeout 300  --no-write  --keep
 *
 * Rows are seeded with multi-row INSERTs straight through the driver into a database the service
 * migrated itself (it is started once first). Writes bench/scale-results.json (or scale-results.mysql.json).
 */
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Child, ROOT, argValue, freePort, machineInfo, mysqlDatabase, rssMiB, sleep, startChild } from './lib';
import { pacedLoad } from './paced';

const args = process.argv.slice(2);
const dbKind = (argValue(args, '--db') ?? 'sqlite') as 'sqlite' | 'mysql';
const rows = Number(argValue(args, '--rows') ?? 100_000);
const dueCount = Number(argValue(args, '--due') ?? 100_000);
const settlementCount = Number(argValue(args, '--settlements') ?? 100_000);
const durationS = Number(argValue(args, '--duration') ?? 10);
const rate = Number(argValue(args, '--rate') ?? 200);
const csvTimeoutS = Number(argValue(args, '--csv-timeout') ?? 300);
const keep = args.includes('--keep');
const SMALL = 10_000;
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
if (!(rows >= SMALL && rows <= 20_000_000)) throw new Error(`--rows must be ${SMALL}..20,000,000`);
if (!['sqlite', 'mysql'].includes(dbKind)) throw new Error('--db must be sqlite or mysql');

/**
 * The build this run measures: a private copy of dist/ taken right after `npm run build`, inside the
 * repository so that node_modules resolves. In a shared working tree a teammate's `nest build` empties
 * and refills dist/ while a run of several minutes is still starting services and jobs from it.
 */
const DIST = join(ROOT, `.bench-dist-${process.pid}`);
function snapshotDist(): void {
  for (let attempt = 1; ; attempt++) {
    rmSync(DIST, { recursive: true, force: true });
    cpSync(join(ROOT, 'dist'), DIST, { recursive: true });
    if (['src/main.js', 'src/cli/run-job.js'].every((f) => existsSync(join(DIST, f)))) return;
    if (attempt === 5) throw new Error('dist/ is incomplete (a build running elsewhere?); run npm run build and retry');
    spawnSync('sleep', ['3']);
  }
}

const outFile = args.includes('--no-write') ? undefined : (argValue(args, '--out') ?? join(__dirname, dbKind === 'mysql' ? 'scale-results.mysql.json' : 'scale-results.json'));

/** What the service writes for a datetime: UTC 'YYYY-MM-DD HH:MM:SS.mmm' on SQLite and MySQL alike. */
const sqlTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
const QR = '00020101021226570011ID.CO.MOCKQRIS.WWW01189360099900000000010215MOCK000000000010303UMI51440014ID.CO.QRIS.WWW0215ID10200000000010303UMI5204581253033605406150000.005802ID5917QRIS ORCHESTRATOR6007JAKARTA61051011062290525SEEDBENCH0000000000006304ABCD';

const COLUMNS = [
  'id', 'order_id', 'amount', 'currency', 'status', 'provider', 'qris_payload', 'provider_trx_id', 'provider_ref_no', 'expires_at',
  'paid_at', 'callback_url', 'metadata', 'signature_version', 'locked_by', 'locked_until', 'created_at', 'updated_at',
];

interface SeedSpec {
  prefix: string;
  status: 'PENDING' | 'PAID';
  expiresAt: Date;
  createdAt: (i: number) => Date;
  paidAt?: Date;
}

function rowValues(spec: SeedSpec, i: number): unknown[] {
  const created = spec.createdAt(i);
  return [
    randomUUID(), `${spec.prefix}-${i}`, '150000.00', 'IDR', spec.status, 'mock', QR, `${spec.prefix}TRX${i}`,
    spec.status === 'PAID' ? `REF${i}` : null, sqlTime(spec.expiresAt), spec.paidAt ? sqlTime(spec.paidAt) : null, null, null, 1, null, null,
    sqlTime(created), sqlTime(created),
  ];
}

interface Seeder {
  seed(spec: SeedSpec, from: number, to: number): Promise<void>;
  count(where?: string): Promise<number>;
  randomIds(n: number): Promise<string[]>;
  /** NOT NULL columns without a default that the seeder does not fill (a migration added them). */
  missingColumns(table: string, known: string[]): Promise<string[]>;
  close(): Promise<void>;
}

function sqliteSeeder(file: string): Seeder {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const BATCH = 500;
  const insert = db.prepare(`INSERT INTO payments (${COLUMNS.join(',')}) VALUES ${Array(BATCH).fill(`(${COLUMNS.map(() => '?').join(',')})`).join(',')}`);
  return {
    async seed(spec, from, to) {
      const tx = db.transaction((a: number, b: number) => {
        for (let i = a; i < b; i += BATCH) {
          const n = Math.min(BATCH, b - i);
          const values = Array.from({ length: n }, (_, k) => rowValues(spec, i + k)).flat();
          if (n === BATCH) insert.run(values);
          else db.prepare(`INSERT INTO payments (${COLUMNS.join(',')}) VALUES ${Array(n).fill(`(${COLUMNS.map(() => '?').join(',')})`).join(',')}`).run(values);
        }
      });
      for (let i = from; i < to; i += 50_000) tx(i, Math.min(to, i + 50_000));
    },
    async count(where = '1=1') {
      return db.prepare(`SELECT COUNT(*) AS n FROM payments WHERE ${where}`).get().n;
    },
    async randomIds(n) {
      return db.prepare(`SELECT id FROM payments ORDER BY random() LIMIT ?`).all(n).map((r: { id: string }) => r.id);
    },
    async missingColumns(table, known) {
      return db
        .prepare(`PRAGMA table_info(${table})`)
        .all()
        .filter((c: any) => c.notnull && c.dflt_value === null && !c.pk && !known.includes(c.name))
        .map((c: any) => c.name);
    },
    async close() {
      db.close();
    },
  };
}

async function mysqlSeeder(url: string): Promise<Seeder> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mysql = require('mysql2/promise');
  const conn = await mysql.createConnection(url);
  const BATCH = 1000;
  return {
    async seed(spec, from, to) {
      for (let i = from; i < to; i += BATCH) {
        const n = Math.min(BATCH, to - i);
        await conn.query(`INSERT INTO payments (${COLUMNS.join(',')}) VALUES ?`, [Array.from({ length: n }, (_, k) => rowValues(spec, i + k))]);
      }
    },
    async count(where = '1=1') {
      const [r] = await conn.query(`SELECT COUNT(*) AS n FROM payments WHERE ${where}`);
      return Number(r[0].n);
    },
    async randomIds(n) {
      // ORDER BY RAND() over millions of rows is slow; sample by id prefix instead (ids are random UUIDs).
      const ids: string[] = [];
      for (let i = 0; i < 16 && ids.length < n; i++) {
        const [r] = await conn.query(`SELECT id FROM payments WHERE id >= ? ORDER BY id LIMIT ?`, [randomUUID(), Math.ceil(n / 16)]);
        ids.push(...r.map((x: { id: string }) => x.id));
      }
      return ids;
    },
    async missingColumns(table, known) {
      const [r] = await conn.query(
        `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND is_nullable = 'NO' AND column_default IS NULL AND column_key <> 'PRI'`,
        [table],
      );
      return r.map((c: { name: string }) => c.name).filter((c: string) => !known.includes(c));
    },
    async close() {
      await conn.end();
    },
  };
}

/** GET at a steady rate (paced, see bench/paced.ts: autocannon's overallRate sends each second's quota in one burst). */
async function getLatency(child: Child, ids: string[]) {
  let i = 0;
  const run = (seconds: number) =>
    pacedLoad({ url: child.baseUrl, ratePerS: rate, durationS: seconds, connections: 10, next: () => ({ method: 'GET', path: `/payments/${ids[i++ % ids.length]}` }) });
  await run(2);
  return run(durationS);
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'qris-scale-'));
  const cleanups: Array<() => Promise<unknown>> = [];
  const env: Record<string, string> = { RATE_LIMIT_MAX: '1000000000', ADMIN_API_KEY: ADMIN_KEY, CRON_ENABLED: 'false', LOG_LEVEL: 'warn' };
  let seeder: Seeder;
  const sqliteFile = join(tmp, 'payments.sqlite');
  if (dbKind === 'sqlite') env.DB_URL = `sqlite:${sqliteFile}`;
  else {
    const db = await mysqlDatabase(process.env.BENCH_MYSQL_URL || 'mysql://root@127.0.0.1:3306');
    cleanups.push(() => db.drop());
    env.DB_URL = db.url;
  }
  const result: Record<string, unknown> = { machine: machineInfo(), config: { db: dbKind, rows, dueCount, settlementCount, durationS, getRate: rate } };
  let child: Child | undefined;
  const start = async (name: string) => {
    const port = await freePort();
    child = await startChild({ name, script: join(DIST, 'src', 'main.js'), env, port, cwd: tmp, logFile: join(tmp, `${name}.log`), readyPath: '/health' });
    return child;
  };
  const stop = async () => {
    await child?.stop();
    child = undefined;
  };
  const say = (s: string) => process.stdout.write(`${s}\n`);

  snapshotDist();
  cleanups.push(async () => rmSync(DIST, { recursive: true, force: true }));
  try {
    await start('migrate');
    await stop();
    seeder = dbKind === 'sqlite' ? sqliteSeeder(sqliteFile) : await mysqlSeeder(env.DB_URL);
    cleanups.unshift(() => seeder.close());
    const missing = await seeder.missingColumns('payments', COLUMNS);
    if (missing.length) throw new Error(`payments has NOT NULL columns the seeder does not know: ${missing.join(', ')} (update bench/scale.ts)`);

    const future = new Date(Date.now() + 365 * 86_400_000);
    const base = Date.now() - 30 * 86_400_000;
    const spread = { prefix: 'S', status: 'PENDING' as const, expiresAt: future, createdAt: (i: number) => new Date(base + i * 1000) };
    let t = Date.now();
    await seeder.seed(spread, 0, SMALL);
    say(`seeded ${SMALL} rows in ${Date.now() - t} ms`);

    // 1. GET /payments/:id latency at 10k rows and at N rows, at a steady rate (latency, not throughput).
    let app = await start('small');
    const check = (await (await fetch(`${app.baseUrl}/payments/${(await seeder.randomIds(1))[0]}`)).json()) as { status?: string; expires_at?: string };
    if (check.status !== 'PENDING' || !check.expires_at) throw new Error(`a seeded row does not read back: ${JSON.stringify(check).slice(0, 300)}`);
    const small = await getLatency(app, await seeder.randomIds(5000));
    await stop();
    say(`GET at ${SMALL} rows: p50 ${small.p50} ms, p99 ${small.p99} ms (${Math.round(small.rps)}/s)`);

    t = Date.now();
    await seeder.seed(spread, SMALL, rows);
    const seedMs = Date.now() - t;
    say(`seeded to ${rows} rows in ${seedMs} ms`);
    app = await start('large');
    const large = await getLatency(app, await seeder.randomIds(5000));
    say(`GET at ${rows} rows: p50 ${large.p50} ms, p99 ${large.p99} ms (${Math.round(large.rps)}/s)`);
    const ratio = large.p99 / Math.max(small.p99, 0.001);
    result.get = { atSmall: { rows: SMALL, ...small }, atLarge: { rows, ...large }, p99Ratio: ratio, goal: 'p99 ratio <= 1.5', pass: ratio <= 1.5, seedMsForLarge: seedMs };

    // 2. CSV export of every row: RSS of the service while it streams.
    const csv = await csvExport(app, rows);
    result.csvExport = csv;
    say(`CSV export: ${JSON.stringify(csv)}`);
    await stop();

    // 3. Expire 100,000 due payments among the N.
    t = Date.now();
    await seeder.seed({ prefix: 'D', status: 'PENDING', expiresAt: new Date(Date.now() - 3_600_000), createdAt: () => new Date(Date.now() - 7_200_000) }, 0, dueCount);
    say(`seeded ${dueCount} due payments in ${Date.now() - t} ms`);
    result.expire = await expireDue(env, seeder, dueCount);
    say(`expire: ${JSON.stringify(result.expire)}`);

    // 4. Reconciliation of 100,000 settlement rows (the mock feed settles a day's PAID payments).
    result.reconciliation = await reconcile(env, seeder, settlementCount);
    say(`reconciliation: ${JSON.stringify(result.reconciliation)}`);
  } finally {
    await stop().catch(() => undefined);
    for (const c of cleanups) await c().catch((e) => process.stderr.write(`cleanup: ${e}\n`));
    if (keep) say(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n\n${renderScaleTable(result)}\n`);
  if (outFile) {
    writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
    say(`wrote ${outFile}`);
  }
}

/** The markdown table bench/README.md shows. */
export function renderScaleTable(r: Record<string, any>): string {
  const g = r.get;
  const line = (what: string, figure: string, goal: string) => `| ${what} | ${figure} | ${goal} |`;
  const status = (x: any, text: () => string) => (x?.status === 'measured' ? text() : `${x?.status ?? 'not run'}: ${x?.reason ?? x?.outputTail ?? ''}`);
  return [
    '| measurement | figure | goal |',
    '|---|---|---|',
    g ? line(`GET /payments/:id p99 at ${g.atSmall.rows} vs ${g.atLarge.rows} rows (${r.config.getRate}/s)`, `${g.atSmall.p99} ms vs ${g.atLarge.p99} ms (× ${g.p99Ratio.toFixed(2)})`, `≤ 1.5 × — ${g.pass ? 'PASS' : 'FAIL'}`) : '',
    line('CSV export of every row, service RSS growth', status(r.csvExport?.status === 'timed out' ? { ...r.csvExport, status: 'measured' } : r.csvExport, () => `${r.csvExport.status === 'timed out' ? 'TIMED OUT: ' : ''}${r.csvExport.rows} of ${r.csvExport.expectedRows} rows, ${r.csvExport.mib} MiB in ${r.csvExport.seconds} s (${r.csvExport.rowsPerSecond} rows/s, service read ${r.csvExport.serviceReadMiB} MiB); RSS ${r.csvExport.rssBeforeMiB} → ${r.csvExport.rssPeakMiB} MiB (+${r.csvExport.rssGrowthMiB})`), 'bounded, independent of N'),
    line(`expire ${r.config.dueCount} due payments`, status(r.expire, () => `${r.expire.expired} expired in ${r.expire.seconds} s (${r.expire.perSecond}/s), ${r.expire.notDueButChanged} not-due rows changed`), 'all due expired, nothing else'),
    line(`reconcile ${r.config.settlementCount} settlement rows`, status(r.reconciliation, () => `${r.reconciliation.seconds} s (${r.reconciliation.perSecond}/s)`), 'completes'),
  ]
    .filter(Boolean)
    .join('\n');
}

async function csvExport(app: Child, expectedRows: number) {
  const pid = app.proc.pid!;
  const before = rssMiB(pid);
  const readBefore = procIo(pid).rchar;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 100);
  const t = Date.now();
  let bytes = 0;
  let lines = 0;
  let timedOut = false;
  const abort = new AbortController();
  const timer = setTimeout(() => ((timedOut = true), abort.abort()), csvTimeoutS * 1000);
  try {
    const res = await fetch(`${app.baseUrl}/admin/payments.csv`, { headers: { authorization: `Bearer ${ADMIN_KEY}` }, signal: abort.signal });
    if (res.status === 404) return { status: 'pending', reason: 'GET /admin/payments.csv answers 404 in this build' };
    if (res.status !== 200) return { status: 'error', httpStatus: res.status, body: (await res.text()).slice(0, 300) };
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
        for (let at = buf.indexOf(10); at >= 0; at = buf.indexOf(10, at + 1)) lines++;
      }
    } catch (error) {
      if (!timedOut) throw error;
    }
    await sleep(200);
    const seconds = (Date.now() - t) / 1000;
    return {
      status: timedOut ? 'timed out' : 'measured',
      reason: timedOut ? `stopped after ${csvTimeoutS} s with ${lines - 1} of ${expectedRows} rows` : undefined,
      rows: lines - 1,
      expectedRows,
      mib: Math.round((bytes / 2 ** 20) * 10) / 10,
      seconds,
      rowsPerSecond: Math.round((lines - 1) / seconds),
      rssBeforeMiB: Math.round(before),
      rssPeakMiB: Math.round(peak),
      rssGrowthMiB: Math.round(peak - before),
      /** Bytes the service process read (Linux rchar: file reads, page cache included) during the export. */
      serviceReadMiB: Math.round((procIo(pid).rchar - readBefore) / 2 ** 20),
      goal: 'RSS growth independent of N (streamed)',
    };
  } finally {
    clearTimeout(timer);
    clearInterval(sampler);
  }
}

function procIo(pid: number): { rchar: number } {
  try {
    const m = /rchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return { rchar: m ? Number(m[1]) : NaN };
  } catch {
    return { rchar: NaN };
  }
}

/** `npm run job:x` without its build step (the bench already built). */
function jobCommand(name: string): string | undefined {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts ?? {};
  return scripts[name]?.replace(/^npm run build\s*&&\s*/, '').replace(/(^|\s)dist\//g, `$1${DIST}/`);
}

function runJob(env: Record<string, string>, command: string, extra: string[] = []) {
  const t = Date.now();
  const r = spawnSync('sh', ['-c', `${command} ${extra.join(' ')}`], {
    cwd: ROOT,
    env: { PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}`, ...env },
    encoding: 'utf8',
    timeout: 30 * 60_000,
    maxBuffer: 64 * 2 ** 20,
  });
  return { exitCode: r.status, seconds: (Date.now() - t) / 1000, outputTail: `${r.stdout}${r.stderr}`.split('\n').slice(-5).join('\n') };
}

async function expireDue(env: Record<string, string>, seeder: Seeder, due: number) {
  const command = jobCommand('job:expire');
  if (!command) return { status: 'pending', reason: 'no job:expire script in package.json yet (src/jobs/expire.service.ts has no command-line entry)' };
  const run = runJob(env, command);
  const expired = await seeder.count(`order_id LIKE 'D-%' AND status = 'EXPIRED'`);
  const untouched = await seeder.count(`order_id LIKE 'S-%' AND status <> 'PENDING'`);
  return { status: run.exitCode === 0 ? 'measured' : 'error', command, due, expired, notDueButChanged: untouched, ...run, perSecond: Math.round(expired / run.seconds) };
}

async function reconcile(env: Record<string, string>, seeder: Seeder, count: number) {
  const command = jobCommand('job:reconcile');
  if (!command) return { status: 'pending', reason: 'no job:reconcile script in package.json yet (src/reconciliation is not in the tree)' };
  const paidAt = new Date(Date.now() - 2 * 86_400_000);
  paidAt.setUTCHours(3, 0, 0, 0); // 10:00 in Jakarta: well inside one Jakarta day
  const date = new Date(paidAt.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
  await seeder.seed({ prefix: 'R', status: 'PAID', expiresAt: paidAt, paidAt, createdAt: () => new Date(paidAt.getTime() - 60_000) }, 0, count);
  const run = runJob(env, command, ['--date', date]);
  return { status: run.exitCode === 0 ? 'measured' : 'error', command, date, paidPayments: count, ...run, perSecond: Math.round(count / run.seconds) };
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
