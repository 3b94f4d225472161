import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error';
import { safeEqual } from '../common/crypto/hmac';
import { Env } from '../config/env';

/** /admin routes: `Authorization: Bearer ADMIN_API_KEY`; with no ADMIN_API_KEY set, admin is off (404). */
@Injectable()
export class AdminApiKeyGuard implements CanActivate {
  constructor(private readonly env: Env) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.env.ADMIN_API_KEY;
    if (!expected) throw AppError.notFound('ADMIN_DISABLED', 'The admin API is disabled (ADMIN_API_KEY is not set).');
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const given = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!given || !safeEqual(given, expected)) {
      throw new AppError(401, 'UNAUTHORIZED', 'A valid admin API key is required.', undefined, { 'WWW-Authenticate': 'Bearer' });
    }
    return true;
  }
}
