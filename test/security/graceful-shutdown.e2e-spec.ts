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

/** One request per connection (no keep-alive reuse), so each is in flight from the moment it is sent. */
function post(port: number, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/payments', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
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
    app = await spawnApp({ DB_URL: database.url, LOG_LEVEL: 'info' });
    const running = app;
    const total = 80;
    let signalled = false;
    let answeredAfterSignal = 0;
    const requests = Array.from({ length: total }, (_, i) =>
      post(running.port, { order_id: `GS-${Date.now().toString(36)}-${i}`, amount: 1000 + i }).then((status) => {
        if (signalled) answeredAfterSignal++;
        return status;
      }),
    );
    // SIGTERM as soon as the first create is answered: the rest are queued on the database by then.
    await Promise.race(requests);
    running.process.kill('SIGTERM');
    signalled = true;

    // Once the app has taken the signal, a new connection is refused (or the process is already gone).
    while (!/SIGTERM received/.test(running.stdout()) && running.process.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    const servedAfterSignal = running.process.exitCode === null && (await newConnectionServed(running.port));

    const statuses = await Promise.all(requests);
    expect(statuses.filter((status) => status !== 201)).toEqual([]);
    expect(answeredAfterSignal).toBeGreaterThan(0);
    expect(servedAfterSignal).toBe(false);
    expect(await running.exited).toBe(0);
    expect(await newConnectionServed(running.port)).toBe(false);
    const logs = running.stdout();
    expect(logs).toMatch(/SIGTERM received/);
    expect(logs).toMatch(/shutdown complete/);
    // Requests were still being answered after the app took the signal: drained, not dropped.
    const afterSignal = logs.slice(logs.indexOf('SIGTERM received')).split('\n');
    expect(afterSignal.filter((line) => line.includes('"statusCode":201')).length).toBeGreaterThan(0);
  });
});
