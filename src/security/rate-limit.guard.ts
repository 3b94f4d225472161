import { Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerRequest } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error';
import { clientIp } from './client-ip';

/**
 * @nestjs/throttler with the IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers) on every
 * limited response, and a 429 problem with Retry-After. One budget per client IP per class of route
 * (merchant, webhook), shared by all routes of that class, not one per handler.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected async handleRequest({ context, limit, ttl, throttler }: ThrottlerRequest): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = clientIp(request);
    const record = await this.storageService.increment(key, ttl, limit, ttl, throttler.name ?? 'default');
    const reset = record.isBlocked ? record.timeToBlockExpire : record.timeToExpire;
    const headers = {
      'RateLimit-Policy': `${limit};w=${Math.ceil(ttl / 1000)}`,
      RateLimit: `limit=${limit}, remaining=${Math.max(0, limit - record.totalHits)}, reset=${reset}`,
    };
    void reply.headers(headers);
    if (record.isBlocked) {
      throw new AppError(429, 'RATE_LIMITED', `Too many requests; retry after ${reset} seconds.`, undefined, {
        ...headers,
        'Retry-After': String(reset),
      });
    }
    return true;
  }
}
