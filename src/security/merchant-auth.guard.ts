import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error';
import { safeEqual } from '../common/crypto/hmac';
import { Env } from '../config/env';

export type MerchantRequest = FastifyRequest & { merchantScope?: string };

/** A short, stable, non-reversible name for a key: idempotency keys are scoped by it. */
export function merchantScope(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex').slice(0, 16);
}

export function parseMerchantKeys(value: string | undefined): string[] {
  return (value ?? '').split(',').map((key) => key.trim()).filter(Boolean);
}

/**
 * Merchant routes: with MERCHANT_API_KEYS set, `Authorization: Bearer <one of them>`; without it they are
 * open (development). Every key is compared, in constant time, so the match position leaks nothing.
 */
@Injectable()
export class MerchantAuthGuard implements CanActivate {
  private readonly keys: string[];
  /** merchantScope of each key, computed once (not a SHA-256 per request). */
  private readonly scopes: Map<string, string>;

  constructor(env: Env) {
    this.keys = parseMerchantKeys(env.MERCHANT_API_KEYS);
    this.scopes = new Map(this.keys.map((key) => [key, merchantScope(key)]));
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.keys.length === 0) return true;
    const request = context.switchToHttp().getRequest<MerchantRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
    const given = match?.[1] ?? '';
    let matched: string | null = null;
    for (const key of this.keys) if (safeEqual(given, key) && given !== '') matched = key;
    if (!matched) {
      throw new AppError(401, 'UNAUTHORIZED', 'A valid merchant API key is required (Authorization: Bearer <key>).', undefined, {
        'WWW-Authenticate': match ? 'Bearer error="invalid_token"' : 'Bearer',
      });
    }
    request.merchantScope = this.scopes.get(matched) ?? merchantScope(matched);
    return true;
  }
}
