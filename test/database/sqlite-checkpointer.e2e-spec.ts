import { statSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { SqliteCheckpointer } from '../../src/database/sqlite-checkpointer';
import { RunningApp, http, startApp } from '../support/app-harness';
import { waitFor } from '../support/callback-receiver';
import { TestDatabase, testDatabases } from '../support/databases';

const [, sqlite] = testDatabases()[0];

interface SqliteDb {
  pragma(sql: string, options?: { simple: boolean }): unknown;
  prepare(sql: string): { get(): unknown };
  close(): void;
}
// better-sqlite3 ships no types (see webhooks-crash.e2e-spec.ts); these calls are all this file needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string) => SqliteDb;

function autocheckpoint(app: RunningApp): number {
  const handle = (app.app.get(DataSource).driver as unknown as { databaseConnection: SqliteDb }).databaseConnection;
  return Number(handle.pragma('wal_autocheckpoint', { simple: true }));
}

describe('SQLite WAL checkpoints run on a background thread', () => {
  let database: TestDatabase;
  let app: RunningApp;
  let file: string;

  beforeAll(async () => {
    database = await sqlite();
    file = database.url.slice('sqlite:'.length);
    app = await startApp(database.appEnv);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('turns autocheckpoint off on the request connection and still copies committed pages into the database file', async () => {
    expect(autocheckpoint(app)).toBe(0);
    const before = statSync(file).size;
    for (let i = 0; i < 300; i++) {
      const res = await http(app.baseUrl, 'POST', '/payments', { order_id: `CKPT-${i}`, amount: 10_000 + i });
      expect(res.status).toBe(201);
    }
    // Only a checkpoint writes pages into the main file; the thread does it without any request waiting.
    await waitFor(async () => statSync(file).size > before, 'pages checkpointed into the database file');
    const probe = new Database(file);
    try {
      await waitFor(async () => {
        const [state] = probe.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
        return state.log === state.checkpointed;
      }, 'every WAL frame checkpointed');
      expect(probe.prepare("SELECT count(*) AS n FROM payments WHERE order_id LIKE 'CKPT-%'").get()).toEqual({ n: 300 });
    } finally {
      probe.close();
    }
  });

  it("falls back to SQLite's autocheckpoint when the thread dies", async () => {
    const worker = (app.app.get(SqliteCheckpointer) as unknown as { worker: { terminate(): Promise<number> } }).worker;
    await worker.terminate();
    await waitFor(async () => autocheckpoint(app) === 1000, 'autocheckpoint back on');
    const res = await http(app.baseUrl, 'POST', '/payments', { order_id: 'CKPT-after', amount: 10_000 });
    expect(res.status).toBe(201);
  });
});
