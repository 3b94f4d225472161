import { Injectable } from '@nestjs/common';
import { uuidv7 } from '../common/ids/uuid-v7';
import { Db } from '../database/db';
import { ReconciliationRunEntity, ReconciliationTrigger } from '../database/entities/reconciliation-run.entity';
import { ReconciliationReport } from './reconciliation-report';

@Injectable()
export class ReconciliationRunsRepository {
  constructor(private readonly db: Db) {}

  async create(provider: string, date: string, trigger: ReconciliationTrigger, now: Date): Promise<ReconciliationRunEntity> {
    const run: ReconciliationRunEntity = {
      id: uuidv7(),
      provider,
      settlementDate: date,
      status: 'QUEUED',
      trigger,
      report: null,
      errorMessage: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
    };
    await this.db.transaction((em) => em.insert(ReconciliationRunEntity, run));
    return run;
  }

  /** QUEUED → RUNNING; false when another delivery of the same job already took it (at-least-once queues). */
  async claim(id: string, now: Date): Promise<boolean> {
    const result = await this.db.transaction((em) =>
      em
        .createQueryBuilder()
        .update(ReconciliationRunEntity)
        .set({ status: 'RUNNING', startedAt: now })
        .where('id = :id', { id })
        .andWhere('status = :status', { status: 'QUEUED' })
        .execute(),
    );
    return (result.affected ?? 0) === 1;
  }

  async finish(id: string, report: ReconciliationReport, now: Date): Promise<void> {
    await this.db.transaction((em) => em.update(ReconciliationRunEntity, { id }, { status: 'DONE', report: report as any, finishedAt: now }));
  }

  async fail(id: string, message: string, now: Date): Promise<void> {
    await this.db.transaction((em) =>
      em.update(ReconciliationRunEntity, { id }, { status: 'FAILED', errorMessage: message.slice(0, 1024), finishedAt: now }),
    );
  }

  findById(id: string): Promise<ReconciliationRunEntity | null> {
    return this.db.manager.findOne(ReconciliationRunEntity, { where: { id } });
  }

  /** The latest run for a day (uuidv7 ids order runs created in the same millisecond). */
  latestFor(date: string): Promise<ReconciliationRunEntity | null> {
    return this.db.manager.findOne(ReconciliationRunEntity, {
      where: { settlementDate: date },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }
}
