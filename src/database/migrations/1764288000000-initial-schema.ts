import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnTypes } from './column-types';

export class InitialSchema1764288000000 implements MigrationInterface {
  name = 'InitialSchema1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnTypes(queryRunner);

    await queryRunner.createTable(
      new Table({
        name: 'payments',
        columns: [
          c.id(),
          c.varchar('order_id', 64),
          c.money('amount'),
          c.varchar('currency', 3),
          c.varchar('status', 16),
          c.varchar('provider', 16),
          c.text('qris_payload', true),
          c.varchar('provider_trx_id', 128, true),
          c.varchar('provider_ref_no', 128, true),
          c.timestamp('expires_at'),
          c.timestamp('paid_at', true),
          c.varchar('callback_url', 2048, true),
          c.json('metadata', true),
          c.smallint('signature_version', 1),
          c.uuidRef('locked_by', true),
          c.timestamp('locked_until', true),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [{ name: 'uq_payments_order_id', columnNames: ['order_id'] }],
        indices: [
          new TableIndex({ name: 'ix_payments_provider_trx_id', columnNames: ['provider_trx_id'] }),
          new TableIndex({ name: 'ix_payments_status_expires_at', columnNames: ['status', 'expires_at'] }),
          new TableIndex({ name: 'ix_payments_created_at', columnNames: ['created_at'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'payment_logs',
        columns: [c.id(), c.uuidRef('payment_id'), c.varchar('event', 32), c.json('payload', true), c.timestamp('created_at')],
        indices: [new TableIndex({ name: 'ix_payment_logs_payment_id_created_at', columnNames: ['payment_id', 'created_at'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'webhook_events',
        columns: [
          c.id(),
          c.varchar('provider', 32),
          c.varchar('event_id', 191),
          c.json('payload'),
          c.timestamp('received_at'),
          c.timestamp('processed_at', true),
          c.varchar('status', 16),
          c.varchar('error_message', 1024, true),
        ],
        uniques: [{ name: 'uq_webhook_events_provider_event_id', columnNames: ['provider', 'event_id'] }],
        indices: [new TableIndex({ name: 'ix_webhook_events_status_received_at', columnNames: ['status', 'received_at'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'settlements',
        columns: [
          c.id(),
          c.varchar('provider', 32),
          c.varchar('provider_trx_id', 128),
          c.uuidRef('payment_id', true),
          c.money('amount'),
          c.money('fee'),
          c.money('net_amount'),
          c.date('settlement_date'),
          c.varchar('file_id', 128, true),
          c.boolean('reconciled', false),
          c.timestamp('created_at'),
        ],
        uniques: [{ name: 'uq_settlements_trx_date', columnNames: ['provider_trx_id', 'settlement_date'] }],
        indices: [
          new TableIndex({ name: 'ix_settlements_settlement_date', columnNames: ['settlement_date'] }),
          new TableIndex({ name: 'ix_settlements_payment_id', columnNames: ['payment_id'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          c.id(),
          c.varchar('scope', 64),
          c.varchar('idem_key', 255),
          c.varchar('fingerprint', 64),
          c.varchar('status', 16),
          c.int('response_status', true),
          c.text('response_body', true),
          c.timestamp('created_at'),
          c.timestamp('expires_at'),
        ],
        uniques: [{ name: 'uq_idempotency_keys_scope_key', columnNames: ['scope', 'idem_key'] }],
        indices: [new TableIndex({ name: 'ix_idempotency_keys_expires_at', columnNames: ['expires_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['idempotency_keys', 'settlements', 'webhook_events', 'payment_logs', 'payments']) {
      await queryRunner.dropTable(table);
    }
  }
}
