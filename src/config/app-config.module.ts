import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Env } from './env';

/**
 * Provides the validated environment as the injectable `Env` class. The env is validated by the caller
 * (main.ts or a test harness) so that a bad value stops the process before Nest starts, and so tests
 * can boot several differently configured apps in one process.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [() => ({ ...env })] })],
      providers: [{ provide: Env, useValue: env }],
      exports: [Env],
    };
  }
}
