import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as PinoLogger } from 'pino';

/** Probes would drown the log: one line per scrape or liveness check says nothing. */
const QUIET_URLS = new Set(['/health', '/metrics']);

function requestFields(request: FastifyRequest) {
  return { id: request.id, method: request.method, url: request.url };
}

/**
 * One JSON line per request when its response has been sent: request id, method, URL, status and the
 * time taken (ms, to 0.1); 5xx at error level, 4xx at warn, the rest at info. A client that hangs up first gets
 * a "request aborted" line. Nothing from headers or bodies is logged.
 */
export function installRequestLog(fastify: FastifyInstance, logger: PinoLogger): void {
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (!QUIET_URLS.has(request.url)) {
      const status = reply.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      if (logger.isLevelEnabled(level)) {
        const responseTime = Math.round(reply.elapsedTime * 10) / 10;
        logger[level]({ req: requestFields(request), res: { statusCode: status }, responseTime }, 'request completed');
      }
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request: FastifyRequest, done: () => void) => {
    if (logger.isLevelEnabled('warn')) logger.warn({ req: requestFields(request) }, 'request aborted');
    done();
  });
}

