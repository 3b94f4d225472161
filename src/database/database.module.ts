import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Env } from '../config/env';
import { buildDataSourceOptions } from './data-source-options';
import { Db } from './db';
import { SqliteCheckpointer } from './sqlite-checkpointer';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [Env],
      useFactory: (env: Env) =>
        buildDataSourceOptions({
          url: env.DB_URL,
          migrationsRun: env.DB_MIGRATIONS_RUN,
          sqliteSynchronous: env.SQLITE_SYNCHRONOUS,
          poolSize: env.DB_POOL_SIZE,
        }),
    }),
  ],
  providers: [Db, SqliteCheckpointer],
  exports: [Db],
})
export class DatabaseModule {}
