import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { Client } from 'pg';

export interface TestDatabase {
  /** sqlite, mysql or postgres */
  name: string;
  /** A DB_URL for a database that exists only for this test file. */
  url: string;
  drop(): Promise<void>;
}

type Factory = () => Promise<TestDatabase>;

/**
 * The databases an e2e suite runs against: SQLite always; MariaDB/MySQL when TEST_MYSQL_URL is set and
 * PostgreSQL when TEST_PG_URL is set. A set URL that cannot be reached fails the suite (never skips).
 * With CI=true both URLs are required.
 */
export function testDatabases(): Array<[string, Factory]> {
  const list: Array<[string, Factory]> = [['sqlite', sqliteDatabase]];
  const mysqlUrl = process.env.TEST_MYSQL_URL;
  const pgUrl = process.env.TEST_PG_URL;
  if (process.env.CI === 'true' && (!mysqlUrl || !pgUrl)) {
    throw new Error('CI=true requires TEST_MYSQL_URL and TEST_PG_URL (see .ci/run)');
  }
  if (mysqlUrl) list.push(['mysql', () => mysqlDatabase(mysqlUrl)]);
  if (pgUrl) list.push(['postgres', () => postgresDatabase(pgUrl)]);
  return list;
}

function uniqueName(): string {
  return `qris_t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

async function sqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'qris-test-'));
  return { name: 'sqlite', url: `sqlite:${join(dir, 'payments.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function mysqlDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = uniqueName();
  const admin = await mysql.createConnection(serverUrl);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name: 'mysql',
    url: url.toString(),
    drop: async () => {
      const conn = await mysql.createConnection(serverUrl);
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

async function postgresDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = uniqueName();
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name: 'postgres',
    url: url.toString(),
    drop: async () => {
      const conn = new Client({ connectionString: serverUrl });
      await conn.connect();
      await conn.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await conn.end();
    },
  };
}
