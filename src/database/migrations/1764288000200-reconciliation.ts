import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnTypes } from './column-types';

/**
 * reconciliation_runs keeps every run (history, not one row per date): a rerun of a date adds a run and
 * GET /admin/reconciliations/:date shows the latest. payments.paid_at gets an index because a day's
 * reconciliation selects the payments paid within it.
 */
export class Reconciliation1764288000200 implements MigrationInterface {
  name = 'Reconciliation1764288000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'reconciliation_runs',
        columns: [
          c.id(),
          c.varchar('provider', 32),
          c.varchar('settlement_date', 10),
          c.varchar('status', 16),
          c.varchar('trigger_source', 16),
          c.json('report', true),
          c.varchar('error_message', 1024, true),
          c.timestamp('created_at'),
          c.timestamp('started_at', true),
          c.timestamp('finished_at', true),
        ],
        indices: [new TableIndex({ name: 'ix_reconciliation_runs_date', columnNames: ['settlement_date', 'created_at'] })],
      }),
    );
    await queryRunner.createIndex('payments', new TableIndex({ name: 'ix_payments_paid_at', columnNames: ['paid_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('payments', 'ix_payments_paid_at');
    await queryRunner.dropTable('reconciliation_runs');
  }
}
