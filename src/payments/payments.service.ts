import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppError } from '../common/errors/app-error';
import { uuidv7 } from '../common/ids/uuid-v7';
import { Clock } from '../common/time/clock';
import { Env } from '../config/env';
import { Db } from '../database/db';
import { PaymentEntity } from '../database/entities/payment.entity';
import { isUniqueViolation } from '../database/unique-violation';
import { ProviderError } from '../providers/provider.errors';
import { QRIS_PROVIDER, QrisProvider } from '../providers/qris-provider';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { PaymentTransitionService } from './payment-transitions.service';
import { PaymentsRepository } from './payments.repository';

/** How long one request may hold the right to call the provider before another may take over. */
const PROVIDER_CALL_LEASE_MS = 60_000;

export interface CreatePaymentResult {
  /** 201 for a new QR, 200 for an order that already has a payable one. */
  httpStatus: 201 | 200;
  payment: PaymentEntity;
}

@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    private readonly db: Db,
    private readonly env: Env,
    private readonly clock: Clock,
    private readonly payments: PaymentsRepository,
    private readonly transitions: PaymentTransitionService,
    @Inject(QRIS_PROVIDER) private readonly provider: QrisProvider,
  ) {}

  async findById(id: string): Promise<PaymentEntity> {
    const payment = await this.payments.findById(id);
    if (!payment) throw AppError.notFound('PAYMENT_NOT_FOUND', `No payment with id ${id}.`);
    return payment;
  }

  /**
   * Upsert by order_id, then issue the QR. The insert (or the claim of a CREATED payment left by an
   * earlier failure) decides which concurrent request calls the provider; the others never do.
   */
  async create(dto: CreatePaymentDto): Promise<CreatePaymentResult> {
    if (dto.amount > this.env.MAX_PAYMENT_AMOUNT) {
      throw AppError.badRequest('VALIDATION_FAILED', 'The request is invalid.', [
        { field: 'amount', message: `amount must not be greater than ${this.env.MAX_PAYMENT_AMOUNT}` },
      ]);
    }
    const lockId = randomUUID();
    const inserted = await this.insertNew(dto, lockId);
    if (inserted) return this.issueQr(inserted, dto, lockId, 'CREATED');

    const existing = await this.payments.findByOrderId(dto.order_id);
    if (!existing) throw new Error(`order ${dto.order_id} vanished after a unique violation`);
    return this.resolveExistingOrder(existing, dto, lockId);
  }

  private async insertNew(dto: CreatePaymentDto, lockId: string): Promise<PaymentEntity | null> {
    const now = this.clock.now();
    const payment = Object.assign(new PaymentEntity(), {
      // Time-ordered: new rows land at the right edge of the id indexes (payments' and payment_logs'),
      // so a group commit writes a few WAL pages instead of one random leaf per payment.
      id: uuidv7(),
      orderId: dto.order_id,
      amount: dto.amount,
      currency: 'IDR',
      status: 'CREATED',
      provider: this.provider.name,
      qrisPayload: null,
      providerTrxId: null,
      providerRefNo: null,
      expiresAt: this.expiryFrom(now, dto),
      paidAt: null,
      callbackUrl: dto.callback_url ?? null,
      metadata: dto.metadata ?? null,
      signatureVersion: 1,
      lockedBy: lockId,
      lockedUntil: new Date(now.getTime() + PROVIDER_CALL_LEASE_MS),
      createdAt: now,
      updatedAt: now,
    } satisfies PaymentEntity);
    try {
      await this.payments.insertWithLog(payment, 'CREATED', { amount: dto.amount });
      return payment;
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  private async resolveExistingOrder(existing: PaymentEntity, dto: CreatePaymentDto, lockId: string): Promise<CreatePaymentResult> {
    if (existing.amount !== dto.amount) {
      throw AppError.conflict(
        'ORDER_AMOUNT_MISMATCH',
        `Order ${dto.order_id} already exists with a different amount (${existing.amount}).`,
      );
    }
    const now = this.clock.now();
    switch (existing.status) {
      case 'PENDING':
        if (existing.expiresAt.getTime() > now.getTime()) return { httpStatus: 200, payment: existing };
        throw AppError.conflict('ORDER_EXPIRED', `The QR for order ${dto.order_id} has expired; use a new order_id.`);
      case 'CREATED': {
        const payments = this.payments;
        const claimed = await this.db.sql.transaction(function* () {
          const won: boolean = yield* payments.claimCreatedUnit(existing.id, lockId, now, PROVIDER_CALL_LEASE_MS);
          if (won) yield* payments.insertLogUnit(existing.id, 'RETRY', { reason: 'provider call retried' }, now);
          return won;
        });
        if (!claimed) {
          throw new AppError(409, 'ORDER_IN_PROGRESS', `Order ${dto.order_id} is being created by another request; retry shortly.`, undefined, {
            'Retry-After': '1',
          });
        }
        return this.issueQr(existing, dto, lockId, 'RETRY');
      }
      case 'PAID':
        throw AppError.conflict('ORDER_ALREADY_PAID', `Order ${dto.order_id} is already paid.`);
      case 'EXPIRED':
        throw AppError.conflict('ORDER_EXPIRED', `The QR for order ${dto.order_id} has expired; use a new order_id.`);
      case 'FAILED':
        throw AppError.conflict('ORDER_FAILED', `Order ${dto.order_id} failed; use a new order_id.`);
      case 'REFUNDED':
        throw AppError.conflict('ORDER_REFUNDED', `Order ${dto.order_id} was refunded; use a new order_id.`);
    }
  }

  /** Calls the provider (outside any transaction) and records CREATED → PENDING with the QR. */
  private async issueQr(
    payment: PaymentEntity,
    dto: CreatePaymentDto,
    lockId: string,
    attempt: 'CREATED' | 'RETRY',
  ): Promise<CreatePaymentResult> {
    const expiresAt = attempt === 'CREATED' ? payment.expiresAt : this.expiryFrom(this.clock.now(), dto);
    let qr;
    try {
      qr = await this.provider.createDynamicQR({ paymentId: payment.id, orderId: payment.orderId, amount: payment.amount, expiresAt });
    } catch (error) {
      await this.recordProviderFailure(payment.id, lockId, error);
      throw error instanceof ProviderError
        ? new AppError(502, 'PROVIDER_UNAVAILABLE', 'The QRIS provider could not issue a QR. The payment is kept; retry the same request.')
        : error;
    }

    const now = this.clock.now();
    const patch = { qrisPayload: qr.qrString, providerTrxId: qr.trxId, expiresAt: qr.expiresAt, lockedBy: null, lockedUntil: null };
    const issued = await this.transitions.transitionNow({
      paymentId: payment.id,
      from: ['CREATED'],
      to: 'PENDING',
      lockedBy: lockId,
      patch,
      event: 'QR_ISSUED',
      payload: { provider: this.provider.name, provider_trx_id: qr.trxId, expires_at: qr.expiresAt.toISOString() },
      now,
    });
    if (!issued) {
      // Our lease ran out mid-call and another request took over; its QR is the one that counts.
      throw new AppError(409, 'ORDER_IN_PROGRESS', `Order ${payment.orderId} is being created by another request; retry shortly.`, undefined, {
        'Retry-After': '1',
      });
    }
    // The compare-and-set succeeded, so the row is exactly what we had plus what we wrote.
    const issuedPayment = Object.assign(new PaymentEntity(), payment, patch, { status: 'PENDING' as const, updatedAt: now });
    return { httpStatus: 201, payment: issuedPayment };
  }

  private async recordProviderFailure(paymentId: string, lockId: string, error: unknown): Promise<void> {
    const kind = error instanceof ProviderError ? error.kind : 'unexpected';
    this.logger.warn({ paymentId, kind }, 'provider could not create the QR');
    const now = this.clock.now();
    const payments = this.payments;
    await this.db.sql.transaction(function* () {
      yield* payments.compareAndSetUnit(paymentId, ['CREATED'], { lockedBy: null, lockedUntil: null, updatedAt: now }, lockId);
      yield* payments.insertLogUnit(paymentId, 'ERROR', { stage: 'create_qr', kind, message: (error as Error).message }, now);
    });
  }

  private expiryFrom(now: Date, dto: CreatePaymentDto): Date {
    const minutes = dto.expiry_minutes ?? this.env.EXPIRE_MINUTES;
    return new Date(now.getTime() + minutes * 60_000);
  }
}
