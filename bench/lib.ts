/** Shared by run.ts and scale.ts: child processes, ports, load runs, machine facts. Loopback only. */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
export const HOST = '127.0.0.1';

export function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => res(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Child {
  name: string;
  proc: ChildProcess;
  baseUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts `node <nodeArgs> <script>` with the given environment, its output to logFile, and waits (at
 * most 60 s) until it is ready: GET <readyPath> on <port> answers 200, or, for a process without a port
 * (a worker), its log contains <readyLogLine>.
 */
export async function startChild(options: {
  name: string;
  script: string;
  nodeArgs?: string[];
  env: Record<string, string>;
  cwd: string;
  logFile: string;
} & ({ port: number; readyPath: string } | { readyLogLine: string })): Promise<Child> {
  const out = createWriteStream(options.logFile);
  await new Promise((r) => out.once('open', r));
  const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env, ...('port' in options ? { PORT: String(options.port) } : {}) },
    stdio: ['ignore', out, out],
  });
  let exited = false;
  const exit = new Promise<void>((r) => proc.once('exit', () => ((exited = true), r())));
  const baseUrl = 'port' in options ? `http://${HOST}:${options.port}` : '';
  const ready = async (): Promise<boolean> => {
    if (!('port' in options)) return existsSync(options.logFile) && readFileSync(options.logFile, 'utf8').includes(options.readyLogLine);
    try {
      return (await fetch(baseUrl + options.readyPath)).status === 200;
    } catch {
      return false; // not listening yet
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${options.name} exited during start; see ${options.logFile}:\n${tail(options.logFile)}`);
    if (await ready()) break;
    if (Date.now() > deadline) throw new Error(`${options.name} did not become ready in 60 s; see ${options.logFile}`);
    await sleep(100);
  }
  return {
    name: options.name,
    proc,
    baseUrl,
    logFile: options.logFile,
    async stop() {
      if (exited) return;
      proc.kill('SIGINT');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

export interface LoadResult {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  durationS: number;
  /** 1-minute load average right after the run; above the core count, other work shared the CPUs. */
  loadAverage1m: number;
  /** Responses per HTTP status code. */
  statusCodes: Record<string, number>;
}

export type AutocannonRequest = {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: any, context: any) => any;
  onResponse?: (status: number, body: string, context: any, headers: any) => void;
};

/** One autocannon run against 127.0.0.1. */
export async function load(options: {
  url: string;
  connections: number;
  durationS: number;
  requests?: AutocannonRequest[];
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  overallRate?: number;
}): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1:/.test(options.url)) throw new Error('load only targets 127.0.0.1');
  const config: Record<string, unknown> = { url: options.url, connections: options.connections, duration: options.durationS, timeout: 10 };
  for (const key of ['method', 'headers', 'body', 'requests', 'overallRate'] as const) {
    if (options[key] !== undefined) config[key] = options[key];
  }
  const result: any = await autocannon(config as any);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    durationS: result.duration,
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, v]: [string, any]) => [code, v.count])),
  };
}

export function machineInfo() {
  const list = cpus();
  return {
    cpu: list[0]?.model ?? 'unknown',
    cores: list.length,
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    /** The machine is shared: a high load average at the start means noisy absolute figures. */
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    commit: gitHead(),
  };
}

function gitHead(): string | null {
  try {
    const head = readFileSync(join(ROOT, '.git', 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head.slice(0, 12);
    return readFileSync(join(ROOT, '.git', head.slice(5)), 'utf8').trim().slice(0, 12);
  } catch {
    return null;
  }
}

export const uniqueTag = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

/**
 * A fresh MariaDB/MySQL database on the server at serverUrl (named qris_bench_<tag>); drop() removes it.
 * test/support is loaded here, not at the top: it brings mysql2, pg and ioredis, which a SQLite run never uses.
 */
export async function mysqlDatabase(serverUrl: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const { createMysqlDatabase } = await import('../test/support/databases');
  const name = `qris_bench_${uniqueTag()}`;
  return { name, ...(await createMysqlDatabase(serverUrl, name)) };
}

/** CPU time (user + system, all threads) a process has used so far, in ms (Linux /proc; clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): state is 3rd, utime 14th, stime 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Resident set size of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
