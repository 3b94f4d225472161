import type { FastifyRequest } from 'fastify';

export type RateLimitClass = 'merchant' | 'webhook';

/**
 * Which budget a request draws from, by path, so a new route under /payments or /webhooks is limited
 * without anyone remembering a decorator. Everything else (/health, /ready, /metrics, /docs, /admin) is not.
 */
export function rateLimitClass(request: FastifyRequest): RateLimitClass | null {
  const path = (request.routeOptions?.url ?? request.url.split('?')[0]).toLowerCase();
  if (path === '/payments' || path.startsWith('/payments/')) return 'merchant';
  if (path === '/webhooks' || path.startsWith('/webhooks/')) return 'webhook';
  return null;
}
