import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { deleteRedisPrefix, testRedisUrl } from './redis';

export interface TestDatabase {
  /** sqlite, mysql or postgres */
  name: string;
  /** A DB_URL for a database that exists only for this test file. */
  url: string;
  /**
   * The environment that points an app at this database and, for MariaDB/PostgreSQL when TEST_REDIS_URL
   * is set, at Redis too (Bull queues and the rate-limit store) under prefixes of its own. Apps started
   * with the same appEnv share the database and the queues, like several instances of one deployment.
   */
  appEnv: Record<string, string>;
  /** Drops the database and deletes the Redis keys under its prefixes. */
  drop(): Promise<void>;
}

type Factory = () => Promise<TestDatabase>;

/**
 * The databases an e2e suite runs against: SQLite always; MariaDB/MySQL when TEST_MYSQL_URL is set and
 * PostgreSQL when TEST_PG_URL is set. A set URL that cannot be reached fails the suite (never skips).
 * With CI=true both URLs (and TEST_REDIS_URL) are required. SQLite runs with the in-process queue (one
 * process per SQLite file); MariaDB and PostgreSQL run with Bull on TEST_REDIS_URL when it is set, the
 * way they are deployed.
 */
export function testDatabases(): Array<[string, Factory]> {
  const list: Array<[string, Factory]> = [['sqlite', sqliteDatabase]];
  const mysqlUrl = process.env.TEST_MYSQL_URL;
  const pgUrl = process.env.TEST_PG_URL;
  if (process.env.CI === 'true' && (!mysqlUrl || !pgUrl)) {
    throw new Error('CI=true requires TEST_MYSQL_URL and TEST_PG_URL (see .ci/run)');
  }
  const redisUrl = testRedisUrl();
  if (mysqlUrl) list.push(['mysql', async () => withRedis(await mysqlDatabase(mysqlUrl), redisUrl)]);
  if (pgUrl) list.push(['postgres', async () => withRedis(await postgresDatabase(pgUrl), redisUrl)]);
  return list;
}

/** Adds Redis (queues and rate limits) under prefixes unique to this database, deleted with it. */
function withRedis(database: TestDatabase, redisUrl: string | undefined): TestDatabase {
  if (!redisUrl) return database;
  const prefix = uniqueName();
  const dropDatabase = database.drop;
  return {
    ...database,
    appEnv: { ...database.appEnv, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, RATE_LIMIT_REDIS_PREFIX: `${prefix}:ratelimit:` },
    drop: async () => {
      try {
        await deleteRedisPrefix(redisUrl, `${prefix}:`);
      } finally {
        await dropDatabase();
      }
    },
  };
}

function uniqueName(): string {
  return `qris_t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

async function sqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'qris-test-'));
  const url = `sqlite:${join(dir, 'payments.sqlite')}`;
  return { name: 'sqlite', url, appEnv: { DB_URL: url }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function mysqlDatabase(serverUrl: string): Promise<TestDatabase> {
  const { url, drop } = await createMysqlDatabase(serverUrl, uniqueName());
  return { name: 'mysql', url, appEnv: { DB_URL: url }, drop };
}

/** Creates database `name` (utf8mb4) on the MariaDB/MySQL server at serverUrl; drop() removes it. The benchmarks use it too. */
export async function createMysqlDatabase(serverUrl: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = await mysql.createConnection(serverUrl);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
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
    appEnv: { DB_URL: url.toString() },
    drop: async () => {
      const conn = new Client({ connectionString: serverUrl });
      await conn.connect();
      await conn.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await conn.end();
    },
  };
}
