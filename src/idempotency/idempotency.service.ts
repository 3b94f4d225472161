import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppError } from '../common/errors/app-error';
import { toProblem } from '../common/errors/problem';
import { Clock } from '../common/time/clock';
import { Db } from '../database/db';
import { IdempotencyKeyEntity } from '../database/entities/idempotency-key.entity';
import { Row } from '../database/sql';
import { isUniqueViolation } from '../database/unique-violation';

const INSERT_KEY =
  'INSERT INTO idempotency_keys (id, scope, idem_key, fingerprint, status, response_status, response_body, created_at, expires_at) ' +
  'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
const SELECT_KEY =
  'SELECT id, scope, idem_key, fingerprint, status, response_status, response_body, created_at, expires_at ' +
  'FROM idempotency_keys WHERE scope = ? AND idem_key = ?';
const DELETE_STALE_KEY = 'DELETE FROM idempotency_keys WHERE id = ? AND created_at = ?';
const COMPLETE_KEY = 'UPDATE idempotency_keys SET status = ?, response_status = ?, response_body = ? WHERE scope = ? AND idem_key = ?';
const RELEASE_KEY = 'DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ?';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** An IN_PROGRESS key older than this belongs to a request that died; a retry may take it over. */
export const IDEMPOTENCY_ABANDONED_MS = 2 * 60 * 1000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface IdempotentOutcome extends StoredResponse {
  replayed: boolean;
}

/**
 * Stripe-style Idempotency-Key handling. The unique (scope, key) row is the lock: the request that
 * inserts it runs; a concurrent one gets 409, a later one the saved response, a different body 422.
 * Responses worth replaying (2xx and final 4xx) are saved; on a 5xx or a crash the key is released so
 * the client's retry can run again.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async run(scope: string, key: string, fingerprint: string, work: () => Promise<StoredResponse>): Promise<IdempotentOutcome> {
    const existing = await this.acquire(scope, key, fingerprint);
    if (existing) return existing;

    let response: StoredResponse;
    try {
      response = await work();
    } catch (error) {
      if (error instanceof AppError && isReplayable(error.status)) {
        await this.complete(scope, key, { status: error.status, body: toProblem(error).problem });
      } else {
        await this.release(scope, key);
      }
      throw error;
    }
    if (isReplayable(response.status)) await this.complete(scope, key, response);
    else await this.release(scope, key);
    return { ...response, replayed: false };
  }

  /** Returns null when this request now owns the key, or the outcome to answer with instead. */
  private async acquire(scope: string, key: string, fingerprint: string): Promise<IdempotentOutcome | null> {
    const sql = this.db.sql;
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.clock.now();
      try {
        await sql.write(sql.stmt(INSERT_KEY, 'run'), [
          randomUUID(),
          scope,
          key,
          fingerprint,
          'IN_PROGRESS',
          null,
          null,
          sql.dateParam(now),
          sql.dateParam(new Date(now.getTime() + IDEMPOTENCY_TTL_MS)),
        ]);
        return null;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }

      const found = await sql.get(sql.stmt(SELECT_KEY, 'get'), [scope, key]);
      if (!found) continue; // released between our insert and read: try again
      const row = this.mapRow(found);
      if (row.expiresAt.getTime() <= now.getTime() || this.isAbandoned(row, now)) {
        await sql.write(sql.stmt(DELETE_STALE_KEY, 'run'), [row.id, sql.dateParam(row.createdAt)]);
        continue;
      }
      if (row.fingerprint !== fingerprint) {
        throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request body.');
      }
      if (row.status === 'IN_PROGRESS') {
        throw new AppError(409, 'IDEMPOTENCY_REQUEST_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed.', undefined, {
          'Retry-After': '1',
        });
      }
      return { status: row.responseStatus!, body: JSON.parse(row.responseBody!), replayed: true };
    }
    throw new AppError(409, 'IDEMPOTENCY_REQUEST_IN_PROGRESS', 'The Idempotency-Key is contended; retry shortly.', undefined, {
      'Retry-After': '1',
    });
  }

  private mapRow(row: Row): IdempotencyKeyEntity {
    const sql = this.db.sql;
    return Object.assign(new IdempotencyKeyEntity(), {
      id: row.id,
      scope: row.scope,
      key: row.idem_key,
      fingerprint: row.fingerprint,
      status: row.status,
      responseStatus: row.response_status === null || row.response_status === undefined ? null : Number(row.response_status),
      responseBody: row.response_body ?? null,
      createdAt: sql.readDate(row.created_at)!,
      expiresAt: sql.readDate(row.expires_at)!,
    } satisfies IdempotencyKeyEntity);
  }

  private isAbandoned(row: IdempotencyKeyEntity, now: Date): boolean {
    return row.status === 'IN_PROGRESS' && now.getTime() - row.createdAt.getTime() > IDEMPOTENCY_ABANDONED_MS;
  }

  private async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    const sql = this.db.sql;
    await sql.write(sql.stmt(COMPLETE_KEY, 'run'), ['COMPLETED', response.status, JSON.stringify(response.body), scope, key]);
  }

  private async release(scope: string, key: string): Promise<void> {
    const sql = this.db.sql;
    await sql.write(sql.stmt(RELEASE_KEY, 'run'), [scope, key]);
  }
}

/** A 409 or 429 says "not now", so the retry must run again rather than replay it. */
function isReplayable(status: number): boolean {
  return status < 500 && status !== 409 && status !== 429;
}
