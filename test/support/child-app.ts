import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ChildApp {
  baseUrl: string;
  port: number;
  process: ChildProcess;
  /** Everything the app wrote to stdout so far (its JSON log lines). */
  stdout(): string;
  /** Everything the app wrote to stderr so far (LISTENING, and REQUEST lines with TRACE_REQUESTS=true). */
  stderr(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * Runs the real application in its own Node process (test/support/serve-app.ts: the same createApp
 * and graceful shutdown as main.ts) so a test can read its stdout and send it signals.
 */
export async function spawnApp(env: Record<string, string>): Promise<ChildApp> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'serve-app.ts')], {
    cwd: join(__dirname, '..', '..'),
    env: { PATH: process.env.PATH ?? '', TZ: 'Asia/Jakarta', RATE_LIMIT_MAX: '1000000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
      const match = /LISTENING (\d+)/.exec(err);
      if (match) resolve(Number(match[1]));
    });
    void exited.then((code) => reject(new Error(`app exited (${code}) before listening:\n${err}\n${out}`)));
  });
  return { baseUrl: `http://127.0.0.1:${port}`, port, process: child, stdout: () => out, stderr: () => err, exited };
}
