import { QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * Column shapes that mean the same thing on SQLite, MySQL/MariaDB and PostgreSQL. Migrations are frozen
 * in time, so they describe columns here instead of importing entity classes.
 */
export function columnTypes(queryRunner: QueryRunner) {
  const type = queryRunner.connection.options.type;
  const isPostgres = type === 'postgres';
  const isMysql = type === 'mysql' || type === 'mariadb';

  const timestamp = (name: string, nullable = false): TableColumnOptions =>
    isPostgres
      ? { name, type: 'timestamptz', precision: 3, isNullable: nullable }
      : { name, type: 'datetime', precision: isMysql ? 3 : undefined, isNullable: nullable };

  return {
    id: (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: name === 'id' }),
    uuidRef: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable: nullable }),
    varchar: (name: string, length: number, nullable = false): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
    }),
    text: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable }),
    json: (name: string, nullable = false): TableColumnOptions => ({
      name,
      type: isPostgres ? 'jsonb' : isMysql ? 'json' : 'text',
      isNullable: nullable,
    }),
    money: (name: string): TableColumnOptions => ({ name, type: 'decimal', precision: 15, scale: 2 }),
    smallint: (name: string, defaultValue?: number): TableColumnOptions => ({ name, type: 'smallint', default: defaultValue }),
    int: (name: string, nullable = false, defaultValue?: number): TableColumnOptions => ({
      name,
      type: 'int',
      isNullable: nullable,
      default: defaultValue,
    }),
    boolean: (name: string, defaultValue: boolean): TableColumnOptions => ({
      name,
      type: 'boolean',
      default: isPostgres ? String(defaultValue) : defaultValue ? 1 : 0,
    }),
    date: (name: string): TableColumnOptions => ({ name, type: 'date' }),
    timestamp,
  };
}
