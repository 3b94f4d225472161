import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerOptions, ThrottlerRequest } from '@nestjs/throttler';
import { THROTTLER_LIMIT, THROTTLER_SKIP, THROTTLER_TTL } from '@nestjs/throttler/dist/throttler.constants';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error';
import { clientIp } from './client-ip';
import { rateLimitClass } from './rate-limit-routes';

/** A throttler's budget for one handler: @SkipThrottle / @Throttle metadata resolved once, not per request. */
interface HandlerLimit {
  throttler: ThrottlerOptions;
  skip: boolean;
  limit: number;
  ttl: number;
}

/**
 * @nestjs/throttler with the IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers) on every
 * limited response, and a 429 problem with Retry-After. One budget per client IP per class of route
 * (merchant, webhook), shared by all routes of that class, not one per handler.
 *
 * canActivate is ThrottlerGuard's, narrowed: the request's route class picks the one throttler named
 * after it (instead of every throttler's skipIf recomputing the class), and the per-handler metadata
 * (ten reflector lookups and three awaits per request in the base class) is resolved once per handler.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly handlerLimits = new WeakMap<object, Map<string, HandlerLimit>>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const kind = rateLimitClass(context.switchToHttp().getRequest<FastifyRequest>());
    if (kind === null) return true;
    const resolved = this.handlerLimit(context, kind);
    if (!resolved || resolved.skip) return true;
    const throttler = resolved.throttler;
    return this.handleRequest({
      context,
      limit: resolved.limit,
      ttl: resolved.ttl,
      throttler,
      blockDuration: resolved.ttl,
      getTracker: throttler.getTracker ?? this.commonOptions.getTracker!,
      generateKey: throttler.generateKey ?? this.commonOptions.generateKey!,
    });
  }

  private handlerLimit(context: ExecutionContext, name: string): HandlerLimit | undefined {
    const handler = context.getHandler();
    let byName = this.handlerLimits.get(handler);
    if (!byName) {
      byName = new Map();
      this.handlerLimits.set(handler, byName);
    }
    let resolved = byName.get(name);
    if (!resolved) {
      const throttler = this.throttlers.find((candidate) => (candidate.name ?? 'default') === name);
      if (!throttler) return undefined;
      const targets = [handler, context.getClass()];
      const skip = Boolean(this.reflector.getAllAndOverride<boolean>(THROTTLER_SKIP + name, targets));
      const limit = Number(this.reflector.getAllAndOverride<number>(THROTTLER_LIMIT + name, targets) ?? throttler.limit);
      const ttl = Number(this.reflector.getAllAndOverride<number>(THROTTLER_TTL + name, targets) ?? throttler.ttl);
      if (Number.isNaN(limit) || Number.isNaN(ttl)) throw new Error(`Invalid limit or ttl for the "${name}" throttler.`);
      resolved = { throttler, skip, limit, ttl };
      byName.set(name, resolved);
    }
    return resolved;
  }

  protected async handleRequest({ context, limit, ttl, throttler }: ThrottlerRequest): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const key = clientIp(request);
    const record = await this.storageService.increment(key, ttl, limit, ttl, throttler.name ?? 'default');
    const reset = record.isBlocked ? record.timeToBlockExpire : record.timeToExpire;
    const policy = `${limit};w=${Math.ceil(ttl / 1000)}`;
    const state = `limit=${limit}, remaining=${Math.max(0, limit - record.totalHits)}, reset=${reset}`;
    void reply.header('RateLimit-Policy', policy).header('RateLimit', state);
    if (record.isBlocked) {
      throw new AppError(429, 'RATE_LIMITED', `Too many requests; retry after ${reset} seconds.`, undefined, {
        'RateLimit-Policy': policy,
        RateLimit: state,
        'Retry-After': String(reset),
      });
    }
    return true;
  }
}
