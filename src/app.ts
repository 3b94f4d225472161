import { ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule, AppOptions } from './app.module';
import { AppError, FieldError } from './common/errors/app-error';
import { ProblemFilter } from './common/errors/problem.filter';
import { Env } from './config/env';
import { LogSinks, requestId } from './logging/logging.module';
import { installRequestLog } from './logging/request-log';
import { MetricsService } from './metrics/metrics.service';
import { setupOpenApi } from './openapi/openapi';
import { registerHttpHardening } from './security/http-hardening';
import { installRawBodyForMarkedRoutes } from './webhooks/raw-body';
import { useBindWithoutDeprecatedProperty } from './lifecycle/async-resource-bind';

export const BODY_LIMIT_BYTES = 64 * 1024;

function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith('property ') && message.endsWith(' should not exist')
        ? { field, message: `${field} is not an accepted field` }
        : { field, message },
    );
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** Builds the HTTP application (not yet listening). main.ts and the e2e tests both start from here. */
export async function createApp(env: Env, options: AppOptions = {}): Promise<NestFastifyApplication> {
  useBindWithoutDeprecatedProperty();
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: env.TRUST_PROXY,
    requestIdHeader: false,
    genReqId: requestId,
    // Slow or stalled clients cannot hold a connection longer than this.
    requestTimeout: env.REQUEST_TIMEOUT_MS,
    connectionTimeout: env.REQUEST_TIMEOUT_MS,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(env, options), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      exceptionFactory: (errors) => AppError.badRequest('VALIDATION_FAILED', 'The request is invalid.', flattenValidationErrors(errors)),
    }),
  );
  app.useGlobalFilters(new ProblemFilter());

  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: a text/plain body would otherwise reach the validators as a string.
  fastify.removeContentTypeParser('text/plain');
  // Routes marked @RouteConfig(RAW_BODY) (POST /webhooks/qris) get the exact bytes for HMAC checks.
  installRawBodyForMarkedRoutes(app);
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });
  const logSinks = app.get(LogSinks);
  installRequestLog(fastify, logSinks.level, logSinks.destination);
  await registerHttpHardening(app, env);
  app.get(MetricsService).instrument(fastify);
  setupOpenApi(app);
  // SIGTERM/SIGINT are handled by installGracefulShutdown (main.ts): HTTP drains before the DB closes.
  return app;
}
