import { Column, Entity, PrimaryColumn } from 'typeorm';

export type IdempotencyKeyStatus = 'IN_PROGRESS' | 'COMPLETED';

/** One Idempotency-Key per scope (the caller's credential): the request fingerprint and the saved response. */
@Entity('idempotency_keys')
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  scope: string;

  @Column({ name: 'idem_key', type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'varchar', length: 64 })
  fingerprint: string;

  @Column({ type: 'varchar', length: 16 })
  status: IdempotencyKeyStatus;

  @Column({ name: 'response_status', type: 'int', nullable: true })
  responseStatus: number | null;

  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'expires_at' })
  expiresAt: Date;
}
