import { INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:http';

/**
 * SIGTERM/SIGINT: stop accepting connections and let in-flight requests finish (Fastify's close), and
 * only then run Nest's shutdown (queues, Redis, database) — Nest's own order would close the database
 * first. Exits 0 when done, 1 if it takes longer than timeoutMs.
 */
export function installGracefulShutdown(app: INestApplication, timeoutMs: number): void {
  const logger = new Logger('Shutdown');
  let closing = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: draining in-flight work`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${timeoutMs} ms; exiting anyway`);
      process.exit(1);
    }, timeoutMs).unref();
    try {
      // Stop accepting at once; Fastify's close (which drains in-flight requests) gets there later.
      (app.getHttpServer() as Server).close();
      await app.getHttpAdapter().close();
      await app.close();
      logger.log('shutdown complete');
      process.exit(0);
    } catch (error) {
      logger.error(`shutdown failed: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, (s) => void shutdown(s));
}
