import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import { Clock } from '../common/time/clock';
import { isCalendarDate, previousJakartaDate } from '../common/time/jakarta-day';
import { jakartaDate } from '../common/time/jakarta-time';
import { EnvValidationError, validateEnv } from '../config/env';
import { ExpireService } from '../jobs/expire.service';
import { JanitorService } from '../jobs/janitor.service';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { CliModule } from './cli.module';

const USAGE = `usage: run-job expire
       run-job janitor
       run-job reconcile [--date YYYY-MM-DD]   (default: yesterday in Asia/Jakarta)`;

type Command = { job: 'expire' } | { job: 'janitor' } | { job: 'reconcile'; date?: string };

export class UsageError extends Error {}

export function parseArgs(argv: string[]): Command {
  const [job, ...rest] = argv;
  if ((job === 'expire' || job === 'janitor') && rest.length === 0) return { job };
  if (job === 'reconcile') {
    if (rest.length === 0) return { job };
    const date = rest[0] === '--date' && rest.length === 2 ? rest[1] : rest.length === 1 && rest[0].startsWith('--date=') ? rest[0].slice(7) : undefined;
    if (date !== undefined && isCalendarDate(date)) return { job, date };
  }
  throw new UsageError(USAGE);
}

/** Runs one job once and prints a one-line JSON summary. Exit 0 done, 1 failed, 2 bad arguments or configuration. */
async function main(): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  let env;
  try {
    env = validateEnv(process.env);
  } catch (error) {
    if (!(error instanceof EnvValidationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }

  // abortOnError false: a failing boot (database unreachable) is reported and exits 1 instead of aborting.
  const app = await NestFactory.createApplicationContext(CliModule.register(env), { logger: ['error'], abortOnError: false });
  const started = Date.now();
  try {
    const clock = app.get(Clock);
    const now = clock.now();
    let summary: Record<string, unknown>;
    if (command.job === 'expire') summary = { ...(await app.get(ExpireService).expireDue(now)) };
    else if (command.job === 'janitor') summary = { ...(await app.get(JanitorService).sweep(now)) };
    else {
      const date = command.date ?? previousJakartaDate(now);
      if (date > jakartaDate(now)) {
        process.stderr.write(`--date ${date} is in the future (Asia/Jakarta)\n${USAGE}\n`);
        return 2;
      }
      const run = await app.get(ReconciliationService).runNow(date, 'cli', () => clock.now());
      summary = { run_id: run.id, date, status: run.status, ...(run.report?.counts ?? {}), totals: run.report?.totals };
    }
    process.stdout.write(`${JSON.stringify({ job: command.job, ok: true, ...summary, duration_ms: Date.now() - started })}\n`);
    return 0;
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ job: command.job, ok: false, error: (error as Error).message, duration_ms: Date.now() - started })}\n`);
    return 1;
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
