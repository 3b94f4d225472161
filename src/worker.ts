import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { EnvValidationError, validateEnv } from './config/env';

/**
 * `npm run start:worker`: the same modules as the API, booted as a Nest application context, so there
 * is no HTTP adapter and no port; only queue handlers (and the crons, unless CRON_ENABLED=false) run.
 * WORKERS is forced on: running handlers is this process's only purpose.
 *
 * SIGTERM/SIGINT: app.close() runs the shutdown hooks, so the queue stops taking jobs and waits for
 * running ones before the database closes; past SHUTDOWN_TIMEOUT_MS the process exits anyway.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let env;
  try {
    env = validateEnv({ ...process.env, WORKERS: 'true' });
  } catch (error) {
    if (error instanceof EnvValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await NestFactory.createApplicationContext(AppModule.register(env), { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);

  let closing = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: finishing running jobs`, 'Worker');
    setTimeout(() => {
      logger.error(`shutdown took longer than ${env.SHUTDOWN_TIMEOUT_MS} ms; exiting anyway`, 'Worker');
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS).unref();
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      logger.error(`shutdown failed: ${(error as Error).message}`, 'Worker');
      process.exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, (s) => void shutdown(s));
  logger.log(`worker started (queues: ${env.REDIS_URL ? 'redis' : 'in-process'})`, 'Worker');
}

void main();
