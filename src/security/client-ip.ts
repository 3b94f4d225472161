import { normalizeIp } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';

/**
 * The client address a rate limit counts against. request.ip honours X-Forwarded-For only when
 * TRUST_PROXY is on (Fastify's trustProxy); ::ffff:1.2.3.4 becomes 1.2.3.4 and other IPv6 addresses
 * count per /64, since one host usually owns a whole /64.
 */
export function clientIp(request: FastifyRequest): string {
  return normalizeIp(request.ip, 64) || 'unknown';
}
