import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../column-transformers';

export type WebhookEventStatus = 'PENDING' | 'OK' | 'ERROR';

@Entity('webhook_events')
export class WebhookEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  provider: string;

  @Column({ name: 'event_id', type: 'varchar', length: 191 })
  eventId: string;

  @Column({ type: 'text', transformer: jsonColumn })
  payload: Record<string, any>;

  /** What the provider adapter read from the verified body, in our vocabulary (see WebhookNotification). */
  @Column({ type: 'text', nullable: true, transformer: jsonColumn })
  notification: Record<string, any> | null;

  @Column({ name: 'received_at' })
  receivedAt: Date;

  @Column({ name: 'processed_at', type: Date, nullable: true })
  processedAt: Date | null;

  @Column({ type: 'varchar', length: 16 })
  status: WebhookEventStatus;

  @Column({ name: 'error_message', type: 'varchar', length: 1024, nullable: true })
  errorMessage: string | null;
}
