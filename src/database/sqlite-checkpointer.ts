import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';

interface SqliteHandle {
  pragma(sql: string, options?: { simple: boolean }): unknown;
}

/** SQLite's own default: a checkpoint once the WAL holds this many pages. */
const AUTOCHECKPOINT_PAGES = 1000;
/** Past this many WAL pages (~64 MiB at 4 KiB) the thread waits for a gap between writers and restarts the WAL. */
const RESTART_PAGES = 16384;

/**
 * The thread's code (eval'd, so it runs the same from dist/ and from ts-jest). Its own connection copies
 * committed WAL frames into the database file with PASSIVE checkpoints, which never wait for or block the
 * main connection's writers and readers; right after a checkpoint that did work it looks again, otherwise
 * every idleMs.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma('synchronous = ' + workerData.synchronous);
let timer = null;
function checkpoint() {
  timer = null;
  let next = workerData.idleMs;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r.log > workerData.restartPages) db.pragma('wal_checkpoint(RESTART)');
    else if (r.checkpointed > 0) next = workerData.busyMs;
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message) });
  }
  timer = setTimeout(checkpoint, next);
}
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  if (timer) clearTimeout(timer);
  db.close();
  parentPort.close();
});
parentPort.postMessage({ ready: true });
checkpoint();
`;

/**
 * Keeps WAL checkpoints off the event loop (file-backed SQLite only). With SQLite's autocheckpoint the
 * COMMIT that crosses 1,000 WAL pages copies them into the database file and, under synchronous=NORMAL,
 * fsyncs both files, on the request path: a 5-6 ms stall several times a second under load (the p99 of a
 * steady 500 creates/s). Here a worker thread with its own connection checkpoints instead, and the main
 * connection's autocheckpoint is turned off once that thread runs. Durability is unchanged: a COMMIT is in
 * the WAL either way, and the checkpoint syncs exactly as autocheckpoint would (same synchronous setting).
 * If the thread cannot start or dies, autocheckpoint is switched back on.
 */
@Injectable()
export class SqliteCheckpointer implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SqliteCheckpointer.name);
  private worker: Worker | null = null;

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const file = this.dataSource.options.type === 'better-sqlite3' ? this.dataSource.options.database : undefined;
    if (!file || file === ':memory:') return;
    const handle = this.handle();
    if (String(handle.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return;

    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        driverPath: require.resolve('better-sqlite3'),
        file,
        synchronous: String(handle.pragma('synchronous', { simple: true })),
        busyTimeoutMs: 5_000,
        idleMs: 200,
        busyMs: 5,
        restartPages: RESTART_PAGES,
      },
    });
    worker.unref();
    worker.on('message', (message: { ready?: boolean; error?: string }) => {
      if (message.error) this.logger.warn(`background WAL checkpoint failed: ${message.error}`);
    });
    worker.on('error', (error) => this.logger.error(`WAL checkpoint thread failed, back to autocheckpoint: ${error.message}`));
    worker.on('exit', () => {
      if (this.worker === worker) this.fallBack();
    });
    try {
      const [first] = (await once(worker, 'message')) as [{ ready?: boolean }];
      if (!first.ready) throw new Error('unexpected first message');
    } catch (error) {
      this.logger.warn(`WAL checkpoint thread did not start, keeping autocheckpoint: ${(error as Error).message}`);
      await worker.terminate();
      return;
    }
    this.worker = worker;
    handle.pragma('wal_autocheckpoint = 0');
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.fallBack();
    const exited = once(worker, 'exit');
    worker.postMessage('stop');
    const timeout = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timeout);
  }

  private fallBack(): void {
    this.worker = null;
    if (this.dataSource.isInitialized) this.handle().pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  }

  private handle(): SqliteHandle {
    return (this.dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
  }
}
