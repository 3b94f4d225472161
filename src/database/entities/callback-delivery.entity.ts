import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PaymentStatus } from '../../payments/payment-state';

export type CallbackDeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/**
 * One merchant callback: the outbox intent written with the state change, and then its delivery
 * record. `body` is the exact JSON sent, fixed when the intent is written, so every retry signs and
 * sends the same bytes.
 */
@Entity('callback_deliveries')
export class CallbackDeliveryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'payment_id', type: 'varchar', length: 36 })
  paymentId: string;

  @Column({ type: 'varchar', length: 16 })
  status: CallbackDeliveryStatus;

  /** The payment status this callback reports. */
  @Column({ name: 'payment_status', type: 'varchar', length: 16 })
  paymentStatus: PaymentStatus;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'int' })
  attempts: number;

  /** When the next attempt is due; while an attempt runs, the end of its lease. */
  @Column({ name: 'next_attempt_at' })
  nextAttemptAt: Date;

  @Column({ name: 'last_status_code', type: 'int', nullable: true })
  lastStatusCode: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 512, nullable: true })
  lastError: string | null;

  @Column({ name: 'last_duration_ms', type: 'int', nullable: true })
  lastDurationMs: number | null;

  @Column({ name: 'delivered_at', type: Date, nullable: true })
  deliveredAt: Date | null;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}
