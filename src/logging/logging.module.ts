import { Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino, { Logger as PinoLogger } from 'pino';
import { Env } from '../config/env';
import { REDACTED_PATHS } from './redaction';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes a well-formed X-Request-Id from the caller or makes one (Fastify's genReqId; echoed in app.ts). */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The two pino loggers of a process, writing JSON lines to one synchronous stdout destination (a line is
 * written before the call returns, so a crash loses none).
 * - `app`: everything the code logs through Nest's Logger (nestjs-pino), with the secret-bearing paths of
 *   REDACTED_PATHS censored wherever a call puts them.
 * - `requests`: the one line per HTTP request (see request-log.ts). Its fields are built by our hook from
 *   the method, URL, request id and status alone (never headers or bodies), so it skips the redaction
 *   pass, which otherwise walks every key of every line.
 */
export class LogSinks {
  readonly app: PinoLogger;
  readonly requests: PinoLogger;

  constructor(level: string) {
    const destination = pino.destination({ dest: 1, sync: true });
    this.app = pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
    this.requests = pino({ level }, destination);
  }
}

/**
 * JSON lines through nestjs-pino for application logs. nestjs-pino's per-request middleware (pino-http
 * behind Nest's middleware layer, plus an AsyncLocalStorage scope that puts a hook on every promise) is
 * not mounted: request lines come from a Fastify onResponse hook instead (installRequestLog), and the
 * places that log inside a request (ProblemFilter) name the request id themselves.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [{ provide: LogSinks, inject: [Env], useFactory: (env: Env) => new LogSinks(env.LOG_LEVEL) }],
      inject: [LogSinks],
      useFactory: (sinks: LogSinks) => ({ pinoHttp: { logger: sinks.app }, forRoutes: [] }),
    }),
  ],
})
export class LoggingModule {}
