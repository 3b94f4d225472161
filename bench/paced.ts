/**
 * An open-loop load at a truly steady rate: request i is due at start + i / rate, whatever happened to
 * the earlier ones, and its latency is measured from that due time (so a stall that delays later sends
 * is charged to them: coordinated omission corrected).
 *
 * Why not autocannon's `overallRate`: each autocannon connection sends its whole per-second quota
 * back to back when its one-second ticker fires and then waits, so "500/s over 50 connections" is a
 * burst of 500 requests at the top of every second; its p99 measures how long the service takes to
 * drain 500 queued creates, not the latency at a steady 500/s.
 *
 * Why raw sockets and not node:http: the client shares the 2 vCPUs with the service. node:http's client
 * cost ~400 µs of CPU per request here, and each response woke it on the service's CPU: in `perf sched`
 * it preempted the service's event loop ~1,800 times in 8 s (340 ms in all). Like autocannon, this client
 * writes each request as one buffer on a keep-alive socket and reads only the status line, the
 * Content-Length and the body.
 */
import { connect, Socket } from 'node:net';
import { loadavg } from 'node:os';
import type { LoadResult } from './lib';

export interface PacedRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface InFlight {
  dueNs: bigint;
  sentAtMs: number;
}

interface Connection {
  socket: Socket;
  current: InFlight | null;
  /** Bytes of the response being read (its head may arrive in several chunks). */
  pending: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const TIMEOUT_MS = 10_000;

/**
 * Status and total length of the first complete response in `data`; 'incomplete' until all of it has
 * arrived; 'unframed' without a Content-Length (the service always sends one; chunked is not read).
 */
function parseResponse(data: Buffer): { status: number; length: number; bodyStart: number } | 'incomplete' | 'unframed' {
  const headEnd = data.indexOf(HEADER_END);
  if (headEnd < 0) return 'incomplete';
  const head = data.toString('latin1', 0, headEnd);
  const match = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (!match) return 'unframed';
  const bodyStart = headEnd + HEADER_END.length;
  const length = bodyStart + Number(match[1]);
  return data.length >= length ? { status: Number(head.slice(9, 12)), length, bodyStart } : 'incomplete';
}

export async function pacedLoad(options: {
  url: string;
  ratePerS: number;
  durationS: number;
  /** Sockets kept open; a request due while all are busy waits for one (and that wait counts). */
  connections: number;
  next: () => PacedRequest;
  onResponse?: (status: number, body: string) => void;
}): Promise<LoadResult> {
  const target = new URL(options.url);
  if (target.hostname !== '127.0.0.1') throw new Error('pacedLoad only targets 127.0.0.1');
  const host = `${target.hostname}:${target.port}`;
  const total = Math.round(options.ratePerS * options.durationS);
  const intervalNs = 1e9 / options.ratePerS;
  const latenciesMs: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  let non2xx = 0;
  let sent = 0;
  let finished = 0;
  const idle: Connection[] = [];
  const all = new Set<Connection>();
  const waiting: Array<{ dueNs: bigint; bytes: Buffer }> = [];

  const encode = (spec: PacedRequest): Buffer => {
    const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
    let head = `${spec.method} ${spec.path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n`;
    for (const [name, value] of Object.entries(spec.headers ?? {})) head += `${name}: ${value}\r\n`;
    if (body) head += `Content-Length: ${body.length}\r\n`;
    head += '\r\n';
    return body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
  };

  const settle = (conn: Connection, outcome: { status: number; body: string } | 'error' | 'timeout'): void => {
    const request = conn.current;
    if (!request) return;
    conn.current = null;
    finished++;
    if (outcome === 'error' || outcome === 'timeout') {
      if (outcome === 'timeout') timeouts++;
      else errors++;
      all.delete(conn);
      conn.socket.destroy();
    } else {
      latenciesMs.push(Number(process.hrtime.bigint() - request.dueNs) / 1e6);
      statusCodes[outcome.status] = (statusCodes[outcome.status] ?? 0) + 1;
      if (outcome.status < 200 || outcome.status >= 300) non2xx++;
      options.onResponse?.(outcome.status, outcome.body);
    }
    // A request waiting for a socket takes this one; if this one was lost, dispatch opens another.
    const queued = waiting.shift();
    if (!all.has(conn)) {
      if (queued) dispatch(queued.dueNs, queued.bytes);
    } else if (queued) send(conn, queued.dueNs, queued.bytes);
    else idle.push(conn);
  };

  const open = (): Connection => {
    const conn: Connection = { socket: connect({ host: target.hostname, port: Number(target.port), noDelay: true }), current: null, pending: Buffer.alloc(0) };
    all.add(conn);
    conn.socket.on('data', (chunk: Buffer) => {
      conn.pending = conn.pending.length ? Buffer.concat([conn.pending, chunk]) : chunk;
      const parsed = parseResponse(conn.pending);
      if (parsed === 'incomplete') return;
      if (parsed === 'unframed') return settle(conn, 'error');
      const body = conn.pending.toString('utf8', parsed.bodyStart, parsed.length);
      conn.pending = conn.pending.subarray(parsed.length);
      settle(conn, { status: parsed.status, body });
    });
    const lost = () => {
      all.delete(conn);
      const at = idle.indexOf(conn);
      if (at >= 0) idle.splice(at, 1);
      settle(conn, 'error');
    };
    conn.socket.on('error', lost);
    conn.socket.on('close', lost);
    return conn;
  };

  const send = (conn: Connection, dueNs: bigint, bytes: Buffer): void => {
    conn.current = { dueNs, sentAtMs: Date.now() };
    conn.socket.write(bytes);
  };

  const dispatch = (dueNs: bigint, bytes: Buffer): void => {
    const conn = idle.pop() ?? (all.size < options.connections ? open() : undefined);
    if (conn) send(conn, dueNs, bytes);
    else waiting.push({ dueNs, bytes });
  };

  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const conn of all) if (conn.current && now - conn.current.sentAtMs > TIMEOUT_MS) settle(conn, 'timeout');
  }, 500);

  const start = process.hrtime.bigint();
  await new Promise<void>((done) => {
    const tick = () => {
      const now = process.hrtime.bigint();
      // Send every request that is due by now (more than one only if this timer fired late).
      while (sent < total && start + BigInt(Math.round(sent * intervalNs)) <= now) {
        dispatch(start + BigInt(Math.round(sent * intervalNs)), encode(options.next()));
        sent++;
      }
      if (sent >= total) {
        const wait = setInterval(() => {
          if (finished >= total) {
            clearInterval(wait);
            done();
          }
        }, 5);
        return;
      }
      const nextDueMs = Number(start + BigInt(Math.round(sent * intervalNs)) - process.hrtime.bigint()) / 1e6;
      setTimeout(tick, Math.max(0, Math.floor(nextDueMs)));
    };
    tick();
  });
  clearInterval(watchdog);
  for (const conn of all) conn.socket.destroy();
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;

  latenciesMs.sort((a, b) => a - b);
  const pct = (p: number) => (latenciesMs.length ? Math.round(latenciesMs[Math.min(latenciesMs.length - 1, Math.ceil((p / 100) * latenciesMs.length) - 1)] * 10) / 10 : 0);
  return {
    rps: latenciesMs.length / elapsedS,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: latenciesMs.length ? Math.round(latenciesMs[latenciesMs.length - 1] * 10) / 10 : 0,
    requests: latenciesMs.length,
    errors,
    timeouts,
    non2xx,
    durationS: Math.round(elapsedS * 10) / 10,
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    statusCodes,
  };
}
