import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn, rupiahColumn } from '../column-transformers';
import type { PaymentStatus } from '../../payments/payment-state';

@Entity('payments')
export class PaymentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'order_id', type: 'varchar', length: 64 })
  orderId: string;

  @Column({ type: 'decimal', precision: 15, scale: 2, transformer: rupiahColumn })
  amount: number;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 16 })
  status: PaymentStatus;

  @Column({ type: 'varchar', length: 16 })
  provider: string;

  @Column({ name: 'qris_payload', type: 'text', nullable: true })
  qrisPayload: string | null;

  @Column({ name: 'provider_trx_id', type: 'varchar', length: 128, nullable: true })
  providerTrxId: string | null;

  @Column({ name: 'provider_ref_no', type: 'varchar', length: 128, nullable: true })
  providerRefNo: string | null;

  @Column({ name: 'expires_at' })
  expiresAt: Date;

  @Column({ name: 'paid_at', type: Date, nullable: true })
  paidAt: Date | null;

  @Column({ name: 'callback_url', type: 'varchar', length: 2048, nullable: true })
  callbackUrl: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonColumn })
  metadata: Record<string, any> | null;

  @Column({ name: 'signature_version', type: 'smallint' })
  signatureVersion: number;

  /** Who is calling the provider for this CREATED payment, and until when (see PaymentsService.claim). */
  @Column({ name: 'locked_by', type: 'varchar', length: 36, nullable: true })
  lockedBy: string | null;

  @Column({ name: 'locked_until', type: Date, nullable: true })
  lockedUntil: Date | null;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}
