import { request } from 'node:http';
import { ChildApp, spawnApp } from '../support/child-app';
import { TestDatabase, testDatabases } from '../support/databases';

const [, sqlite] = testDatabases()[0];

/** Whether a new connection still gets an answer (a closed listener refuses or resets it). */
function newConnectionServed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ port, host: '127.0.0.1', path: '/health', agent: false }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) < 300);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

interface Post {
  status: Promise<number>;
  /** Sends the rest of the body (a no-op for a request sent whole). */
  finish(): void;
}

/**
 * POST /payments on a connection of its own (no keep-alive reuse). With `hold`, only the headers and the
 * first half of the body go out now: the server has the request in flight but cannot answer it before
 * finish() sends the rest.
 */
function post(port: number, body: unknown, hold = false): Post {
  const bytes = Buffer.from(JSON.stringify(body));
  let req!: ReturnType<typeof request>;
  const status = new Promise<number>((resolve, reject) => {
    req = request(
      { port, host: '127.0.0.1', method: 'POST', path: '/payments', agent: false, headers: { 'content-type': 'application/json', 'content-length': bytes.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
  });
  if (!hold) {
    req.end(bytes);
    return { status, finish: () => undefined };
  }
  const half = Math.floor(bytes.length / 2);
  req.write(bytes.subarray(0, half));
  return { status, finish: () => req.end(bytes.subarray(half)) };
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('graceful shutdown on SIGTERM', () => {
  let database: TestDatabase;
  let app: ChildApp | undefined;

  beforeAll(async () => {
    database = await sqlite();
  });
  afterAll(async () => {
    if (app && app.process.exitCode === null) app.process.kill('SIGKILL');
    await database?.drop();
  });

  it('finishes in-flight requests, refuses new connections, closes the database and exits 0', async () => {
    app = await spawnApp({ DB_URL: database.url, LOG_LEVEL: 'info', TRACE_REQUESTS: 'true' });
    const running = app;
    const run = Date.now().toString(36);
    // Requests held mid-body are certainly still in flight at the signal; the concurrent creates queue on
    // the database, so some of them usually are too.
    const held = Array.from({ length: 5 }, (_, i) => post(running.port, { order_id: `GS-${run}-H${i}`, amount: 500 + i }, true));
    const burst = Array.from({ length: 80 }, (_, i) => post(running.port, { order_id: `GS-${run}-${i}`, amount: 1000 + i }));
    const total = held.length + burst.length;

    // SIGTERM only once the server has every request (headers parsed): a connection it has not read
    // yet is idle and is closed on shutdown by design, and only in-flight requests must complete.
    const received = () => (running.stderr().match(/^REQUEST POST \/payments$/gm) ?? []).length;
    await until(() => received() >= total, `${total} requests received (got ${received()})`);
    expect(running.process.exitCode).toBeNull();
    running.process.kill('SIGTERM');

    // Once the app has taken the signal, a new connection is refused (or the process is already gone).
    await until(() => /SIGTERM received/.test(running.stdout()) || running.process.exitCode !== null, 'SIGTERM received');
    const servedAfterSignal = running.process.exitCode === null && (await newConnectionServed(running.port));
    expect(running.process.exitCode).toBeNull(); // the held requests keep it draining
    for (const request of held) request.finish();

    const statuses = await Promise.all([...held, ...burst].map((request) => request.status));
    expect(statuses.filter((status) => status !== 201)).toEqual([]);
    expect(servedAfterSignal).toBe(false);
    expect(await running.exited).toBe(0);
    expect(await newConnectionServed(running.port)).toBe(false);
    const logs = running.stdout();
    expect(logs).toMatch(/shutdown complete/);
    // Requests were answered after the app took the signal: drained, not dropped.
    const afterSignal = logs.slice(logs.indexOf('SIGTERM received')).split('\n');
    expect(afterSignal.filter((line) => line.includes('"statusCode":201')).length).toBeGreaterThanOrEqual(held.length);
  });
});
