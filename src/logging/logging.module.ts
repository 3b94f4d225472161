import { Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino, { Logger as PinoLogger } from 'pino';
import { Env } from '../config/env';
import { redactionOptions } from './redaction';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes a well-formed X-Request-Id from the caller or makes one (Fastify's genReqId; echoed in app.ts). */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Where a process's JSON lines go: one synchronous stdout destination (a line is written before the call
 * returns, so a crash loses none), shared by
 * - `app`: the pino logger behind Nest's Logger (nestjs-pino), with the secret-bearing fields of
 *   redaction.ts censored wherever a call puts them;
 * - the one line per HTTP request, written straight to `destination` by request-log.ts from the method,
 *   URL, request id and status alone (never headers or bodies).
 */
export class LogSinks {
  readonly destination: ReturnType<typeof pino.destination>;
  readonly app: PinoLogger;

  constructor(readonly level: string) {
    this.destination = pino.destination({ dest: 1, sync: true });
    this.app = pino({ level, ...redactionOptions() }, this.destination);
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
