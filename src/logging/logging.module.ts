import { Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { stdSerializers } from 'pino';
import { Env } from '../config/env';
import { REDACTED_PATHS } from './redaction';

type RawRequest = IncomingMessage & { id?: string | (() => string); originalUrl?: string };

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes a well-formed X-Request-Id from the caller or makes one (Fastify's genReqId; echoed in app.ts). */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * JSON lines through nestjs-pino, one per request with its request id. Requests are logged as method,
 * URL and id only: headers and bodies (signatures, API keys, QR payloads) never reach the log.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [Env],
      useFactory: (env: Env) => ({
        pinoHttp: {
          level: env.LOG_LEVEL,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          // The serializers take the raw request/response: pino-http's wrapping would first build the
          // standard shapes (a copy of every response header per request) only for these to drop them.
          wrapSerializers: false,
          serializers: {
            req: (req: RawRequest) => ({ id: typeof req.id === 'function' ? req.id() : req.id, method: req.method, url: req.originalUrl || req.url }),
            res: (res: ServerResponse) => ({ statusCode: res.headersSent ? res.statusCode : null }),
            err: stdSerializers.wrapErrorSerializer(stdSerializers.err as never),
          },
          customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
            error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/metrics' },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
