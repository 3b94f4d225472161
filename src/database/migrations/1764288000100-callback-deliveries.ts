import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnTypes } from './column-types';

export class CallbackDeliveries1764288000100 implements MigrationInterface {
  name = 'CallbackDeliveries1764288000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'callback_deliveries',
        columns: [
          c.id(),
          c.uuidRef('payment_id'),
          c.varchar('status', 16),
          c.varchar('payment_status', 16),
          c.text('body'),
          c.int('attempts', false, 0),
          c.timestamp('next_attempt_at'),
          c.int('last_status_code', true),
          c.varchar('last_error', 512, true),
          c.int('last_duration_ms', true),
          c.timestamp('delivered_at', true),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'ix_callback_deliveries_status_next_attempt_at', columnNames: ['status', 'next_attempt_at'] }),
          new TableIndex({ name: 'ix_callback_deliveries_payment_id', columnNames: ['payment_id'] }),
        ],
      }),
    );
    // The provider-neutral reading of a verified webhook (trx id, amount, status…) that processing acts
    // on; payload keeps the provider's own body as received.
    await queryRunner.addColumn('webhook_events', new TableColumn(c.json('notification', true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhook_events', 'notification');
    await queryRunner.dropTable('callback_deliveries');
  }
}
