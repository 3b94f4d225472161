import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createApp } from './app';
import { EnvValidationError, validateEnv } from './config/env';
import { installGracefulShutdown } from './lifecycle/graceful-shutdown';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let env;
  try {
    env = validateEnv(process.env);
  } catch (error) {
    if (error instanceof EnvValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(env);
  installGracefulShutdown(app, env.SHUTDOWN_TIMEOUT_MS);
  await app.listen(env.PORT, '0.0.0.0');
}

void main();
