import 'reflect-metadata';
import { createApp } from '../../src/app';
import { validateEnv } from '../../src/config/env';
import { installGracefulShutdown } from '../../src/lifecycle/graceful-shutdown';

/** main.ts for tests: the env comes only from the parent; the port goes to stderr, logs stay on stdout. */
async function serve(): Promise<void> {
  const env = validateEnv(process.env);
  const app = await createApp(env);
  installGracefulShutdown(app, env.SHUTDOWN_TIMEOUT_MS);
  if (process.env.TRACE_REQUESTS === 'true') {
    // For tests that must know a request reached the server (headers parsed: it is in flight, so a
    // graceful close drains it rather than closing its connection as idle).
    app.getHttpServer().on('request', (req: { method?: string; url?: string }) => process.stderr.write(`REQUEST ${req.method} ${req.url}\n`));
  }
  await app.listen(0, '127.0.0.1');
  process.stderr.write(`LISTENING ${(app.getHttpServer().address() as { port: number }).port}\n`);
}

void serve().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
