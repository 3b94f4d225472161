import { Column, Entity, PrimaryColumn } from 'typeorm';
import { rupiahColumn } from '../column-transformers';

@Entity('settlements')
export class SettlementEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  provider: string;

  @Column({ name: 'provider_trx_id', type: 'varchar', length: 128 })
  providerTrxId: string;

  @Column({ name: 'payment_id', type: 'varchar', length: 36, nullable: true })
  paymentId: string | null;

  @Column({ type: 'decimal', precision: 15, scale: 2, transformer: rupiahColumn })
  amount: number;

  @Column({ type: 'decimal', precision: 15, scale: 2, transformer: rupiahColumn })
  fee: number;

  @Column({ name: 'net_amount', type: 'decimal', precision: 15, scale: 2, transformer: rupiahColumn })
  netAmount: number;

  /** The provider's settlement day, YYYY-MM-DD. */
  @Column({ name: 'settlement_date', type: 'date' })
  settlementDate: string;

  @Column({ name: 'file_id', type: 'varchar', length: 128, nullable: true })
  fileId: string | null;

  @Column({ type: 'boolean' })
  reconciled: boolean;

  @Column({ name: 'created_at' })
  createdAt: Date;
}
