import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app';
import { AppOptions } from '../../src/app.module';
import { Clock } from '../../src/common/time/clock';
import { validateEnv } from '../../src/config/env';

export interface RunningApp {
  app: NestFastifyApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/** A clock tests move by hand. */
export class TestClock extends Clock {
  constructor(private current = new Date()) {
    super();
  }
  now(): Date {
    return new Date(this.current.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  set(date: Date): void {
    this.current = date;
  }
}

/** Boots the real application on a random loopback port, configured only by the given variables. */
export async function startApp(env: Record<string, string>, options: AppOptions = {}): Promise<RunningApp> {
  // Suites send many requests from 127.0.0.1: rate limits only apply where a test sets them.
  // Crons tick in real time against the test clock; suites trigger ticks themselves unless they set CRON_ENABLED.
  const validated = validateEnv({ LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '1000000', WEBHOOK_RATE_LIMIT_MAX: '1000000', CRON_ENABLED: 'false', ...env });
  const app = await createApp(validated, options);
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    // listen() runs the modules' init: without a close, a boot that fails there (a duplicate route, a
    // worker that cannot start) leaves database pools and Redis clients open and Jest does not exit.
    await app.close().catch(() => undefined);
    throw error;
  }
  const address = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** fetch with JSON in and out; the body is parsed whatever the status. */
export async function http<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}
