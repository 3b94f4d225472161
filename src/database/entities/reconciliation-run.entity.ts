import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../column-transformers';

export type ReconciliationRunStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';
export type ReconciliationTrigger = 'admin' | 'cron' | 'cli';

/** One reconciliation of one provider's settlement day; reruns add rows (history). */
@Entity('reconciliation_runs')
export class ReconciliationRunEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  provider: string;

  /** YYYY-MM-DD, the Jakarta calendar day. */
  @Column({ name: 'settlement_date', type: 'varchar', length: 10 })
  settlementDate: string;

  @Column({ type: 'varchar', length: 16 })
  status: ReconciliationRunStatus;

  @Column({ name: 'trigger_source', type: 'varchar', length: 16 })
  trigger: ReconciliationTrigger;

  @Column({ type: 'text', nullable: true, transformer: jsonColumn })
  report: Record<string, any> | null;

  @Column({ name: 'error_message', type: 'varchar', length: 1024, nullable: true })
  errorMessage: string | null;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'started_at', type: Date, nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt: Date | null;
}
