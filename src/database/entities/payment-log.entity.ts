import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../column-transformers';

/** Append-only audit trail of a payment: one row per transition or notable event. */
@Entity('payment_logs')
export class PaymentLogEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'payment_id', type: 'varchar', length: 36 })
  paymentId: string;

  @Column({ type: 'varchar', length: 32 })
  event: string;

  @Column({ type: 'text', nullable: true, transformer: jsonColumn })
  payload: Record<string, any> | null;

  @Column({ name: 'created_at' })
  createdAt: Date;
}
