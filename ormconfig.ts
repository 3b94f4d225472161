// Data source for the TypeORM CLI (npm run migration:run / migration:revert); the app builds the same
// options from its validated environment in DatabaseModule.
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { validateEnv } from './src/config/env';
import { buildDataSourceOptions } from './src/database/data-source-options';

if (existsSync('.env')) process.loadEnvFile('.env');
const env = validateEnv(process.env);

export default new DataSource(
  buildDataSourceOptions({ url: env.DB_URL, migrationsRun: false, sqliteSynchronous: env.SQLITE_SYNCHRONOUS, poolSize: env.DB_POOL_SIZE }),
);
