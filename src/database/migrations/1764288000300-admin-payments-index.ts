import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The admin list and CSV export filter by status and page by created_at. Without this index a common
 * status makes the planner pick ix_payments_status_expires_at and sort every matching row per page.
 */
export class AdminPaymentsIndex1764288000300 implements MigrationInterface {
  name = 'AdminPaymentsIndex1764288000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('payments', new TableIndex({ name: 'ix_payments_status_created_at', columnNames: ['status', 'created_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('payments', 'ix_payments_status_created_at');
  }
}
