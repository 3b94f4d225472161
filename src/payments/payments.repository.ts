import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { uuidv7 } from '../common/ids/uuid-v7';
import { Db } from '../database/db';
import { PaymentLogEntity } from '../database/entities/payment-log.entity';
import { PaymentEntity } from '../database/entities/payment.entity';
import { Sql, SqlOp, SqlUnit, Statement } from '../database/sql';
import { PaymentStatus } from './payment-state';
import { PAYMENT_COLUMNS, mapPaymentRow } from './payment-row';

export type PaymentPatch = Partial<
  Pick<
    PaymentEntity,
    'qrisPayload' | 'providerTrxId' | 'providerRefNo' | 'expiresAt' | 'paidAt' | 'lockedBy' | 'lockedUntil'
  >
>;

export type PaymentChange = PaymentPatch & { status?: PaymentStatus; updatedAt: Date };

/** Columns a compare-and-set may change, in the fixed order its statement lists them. */
const CHANGE_COLUMNS: ReadonlyArray<[keyof PaymentChange, string, 'date' | 'plain']> = [
  ['status', 'status', 'plain'],
  ['qrisPayload', 'qris_payload', 'plain'],
  ['providerTrxId', 'provider_trx_id', 'plain'],
  ['providerRefNo', 'provider_ref_no', 'plain'],
  ['expiresAt', 'expires_at', 'date'],
  ['paidAt', 'paid_at', 'date'],
  ['lockedBy', 'locked_by', 'plain'],
  ['lockedUntil', 'locked_until', 'date'],
  ['updatedAt', 'updated_at', 'date'],
];

const SELECT_BY_ID = `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = ?`;
const SELECT_BY_ORDER_ID = `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = ?`;
const SELECT_BY_PROVIDER_TRX_ID = `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE provider_trx_id = ?`;
const INSERT_PAYMENT =
  'INSERT INTO payments (id, order_id, amount, currency, status, provider, qris_payload, provider_trx_id, provider_ref_no, ' +
  'expires_at, paid_at, callback_url, metadata, signature_version, locked_by, locked_until, created_at, updated_at) ' +
  'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_LOG = 'INSERT INTO payment_logs (id, payment_id, event, payload, created_at) VALUES (?, ?, ?, ?, ?)';
const CLAIM_CREATED =
  'UPDATE payments SET locked_by = ?, locked_until = ?, updated_at = ? ' +
  "WHERE id = ? AND status = 'CREATED' AND (locked_until IS NULL OR locked_until < ?)";

/**
 * The SQL for payments and their logs, hand-written (see database/sql.ts). Each write exists as a unit
 * (`…Unit`, composed into transactions by the hot paths) and as an EntityManager method that runs the
 * same statements inside the caller's transaction (jobs, reconciliation, webhooks, admin).
 */
@Injectable()
export class PaymentsRepository {
  private readonly sql: Sql;
  private readonly compareAndSetStatements = new Map<string, Statement>();

  constructor(private readonly db: Db) {
    this.sql = db.sql;
  }

  findById(id: string, em?: EntityManager): Promise<PaymentEntity | null> {
    return this.findOne(SELECT_BY_ID, id, em);
  }

  findByOrderId(orderId: string, em?: EntityManager): Promise<PaymentEntity | null> {
    return this.findOne(SELECT_BY_ORDER_ID, orderId, em);
  }

  findByProviderTrxId(providerTrxId: string, em?: EntityManager): Promise<PaymentEntity | null> {
    return this.findOne(SELECT_BY_PROVIDER_TRX_ID, providerTrxId, em);
  }

  private async findOne(template: string, value: string, em: EntityManager | undefined): Promise<PaymentEntity | null> {
    const statement = this.sql.stmt(template, 'get');
    const row =
      em && em.queryRunner ? await this.sql.within(em, () => getUnit(this.sql, template, value)) : await this.sql.get(statement, [value]);
    return row ? mapPaymentRow(this.sql, row) : null;
  }

  /** The statement of a new payment (all columns). */
  private insertOp(payment: PaymentEntity): SqlOp {
    const sql = this.sql;
    return sql.op(sql.stmt(INSERT_PAYMENT, 'run'), [
      payment.id,
      payment.orderId,
      sql.moneyParam(payment.amount),
      payment.currency,
      payment.status,
      payment.provider,
      payment.qrisPayload,
      payment.providerTrxId,
      payment.providerRefNo,
      sql.dateParam(payment.expiresAt),
      sql.dateParam(payment.paidAt),
      payment.callbackUrl,
      sql.jsonParam(payment.metadata),
      payment.signatureVersion,
      payment.lockedBy,
      sql.dateParam(payment.lockedUntil),
      sql.dateParam(payment.createdAt),
      sql.dateParam(payment.updatedAt),
    ]);
  }

  private logOp(paymentId: string, event: string, payload: Record<string, any> | null, now: Date): SqlOp {
    const sql = this.sql;
    return sql.op(sql.stmt(INSERT_LOG, 'run'), [uuidv7(), paymentId, event, sql.jsonParam(payload), sql.dateParam(now)]);
  }

  *insertUnit(payment: PaymentEntity): SqlUnit<void> {
    yield this.insertOp(payment);
  }

  *insertLogUnit(paymentId: string, event: string, payload: Record<string, any> | null, now: Date): SqlUnit<void> {
    yield this.logOp(paymentId, event, payload, now);
  }

  /**
   * A new payment and its first log row, in one transaction of their own: on MySQL one round trip for a
   * create alone (Sql.writeAll). A duplicate order_id fails the first statement, and the log row is not written.
   */
  async insertWithLog(payment: PaymentEntity, event: string, payload: Record<string, any> | null): Promise<void> {
    await this.sql.writeAll([this.insertOp(payment), this.logOp(payment.id, event, payload, payment.createdAt)]);
  }

  async insert(em: EntityManager, payment: PaymentEntity): Promise<void> {
    await this.sql.within(em, () => this.insertUnit(payment));
  }

  async insertLog(em: EntityManager, paymentId: string, event: string, payload: Record<string, any> | null, now: Date) {
    await this.sql.within(em, () => this.insertLogUnit(paymentId, event, payload, now));
  }

  logsOf(paymentId: string, em: EntityManager = this.db.manager): Promise<PaymentLogEntity[]> {
    return em.find(PaymentLogEntity, { where: { paymentId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Compare-and-set: applies the change only if the payment is still in one of `from` (and, when given,
   * still locked by `lockedBy`). Yields whether this call won. Works alike on SQLite, MySQL, PostgreSQL.
   */
  *compareAndSetUnit(id: string, from: PaymentStatus[], change: PaymentChange, lockedBy?: string): SqlUnit<boolean> {
    const sql = this.sql;
    const params: unknown[] = [];
    // The statement's shape: which columns change, how many `from` statuses, whether the lock is checked.
    let shape = '';
    for (let i = 0; i < CHANGE_COLUMNS.length; i++) {
      const [key, , kind] = CHANGE_COLUMNS[i];
      const value = change[key];
      if (value === undefined) continue;
      shape += String.fromCharCode(65 + i);
      params.push(kind === 'date' ? sql.dateParam(value as Date | null) : value);
    }
    params.push(id, ...from);
    if (lockedBy !== undefined) params.push(lockedBy);
    shape += `${from.length}${lockedBy !== undefined ? 'L' : ''}`;
    const changed: number = yield sql.op(this.compareAndSetStatement(shape, change, from.length, lockedBy !== undefined), params);
    return changed === 1;
  }

  /** The UPDATE text for one shape, built once: the hot paths use a handful of shapes. */
  private compareAndSetStatement(shape: string, change: PaymentChange, fromCount: number, checksLock: boolean): Statement {
    let statement = this.compareAndSetStatements.get(shape);
    if (!statement) {
      const sets = CHANGE_COLUMNS.filter(([key]) => change[key] !== undefined).map(([, column]) => `${column} = ?`);
      let template = `UPDATE payments SET ${sets.join(', ')} WHERE id = ? AND status IN (${Array(fromCount).fill('?').join(', ')})`;
      if (checksLock) template += ' AND locked_by = ?';
      statement = this.sql.stmt(template, 'run');
      this.compareAndSetStatements.set(shape, statement);
    }
    return statement;
  }

  compareAndSet(em: EntityManager, id: string, from: PaymentStatus[], change: PaymentChange, lockedBy?: string): Promise<boolean> {
    return this.sql.within(em, () => this.compareAndSetUnit(id, from, change, lockedBy));
  }

  /**
   * Takes the right to call the provider for a CREATED payment: succeeds when nobody holds it or the
   * previous holder's lease ran out (a crashed process).
   */
  *claimCreatedUnit(id: string, lockedBy: string, now: Date, leaseMs: number): SqlUnit<boolean> {
    const sql = this.sql;
    const changed: number = yield sql.op(sql.stmt(CLAIM_CREATED, 'run'), [
      lockedBy,
      sql.dateParam(new Date(now.getTime() + leaseMs)),
      sql.dateParam(now),
      id,
      sql.dateParam(now),
    ]);
    return changed === 1;
  }

  claimCreated(em: EntityManager, id: string, lockedBy: string, now: Date, leaseMs: number): Promise<boolean> {
    return this.sql.within(em, () => this.claimCreatedUnit(id, lockedBy, now, leaseMs));
  }
}

function* getUnit(sql: Sql, template: string, value: string): SqlUnit<Record<string, any> | undefined> {
  return yield sql.op(sql.stmt(template, 'get'), [value]);
}
