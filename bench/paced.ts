/**
 * An open-loop load at a truly steady rate: request i is due at start + i / rate, whatever happened to
 * the earlier ones, and its latency is measured from that due time (so a stall that delays later sends
 * is charged to them: coordinated omission corrected).
 *
 * Why not autocannon's `overallRate`: each autocannon connection sends its whole per-second quota
 * back to back when its one-second ticker fires and then waits, so "500/s over 50 connections" is a
 * burst of 500 requests at the top of every second; its p99 measures how long the service takes to
 * drain 500 queued creates, not the latency at a steady 500/s.
 */
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import type { LoadResult } from './lib';

export interface PacedRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
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
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const total = Math.round(options.ratePerS * options.durationS);
  const intervalNs = 1e9 / options.ratePerS;
  const latenciesMs: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  let non2xx = 0;
  let sent = 0;
  let finished = 0;
  const start = process.hrtime.bigint();

  const send = (dueNs: bigint): void => {
    const spec = options.next();
    const req = request(
      { host: target.hostname, port: target.port, method: spec.method, path: spec.path, headers: spec.headers, agent, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          latenciesMs.push(Number(process.hrtime.bigint() - dueNs) / 1e6);
          const status = res.statusCode ?? 0;
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          if (status < 200 || status >= 300) non2xx++;
          options.onResponse?.(status, Buffer.concat(chunks).toString('utf8'));
          finished++;
        });
      },
    );
    let timedOut = false;
    req.on('timeout', () => {
      timedOut = true;
      timeouts++;
      req.destroy(new Error('timeout'));
    });
    req.on('error', () => {
      if (!timedOut) errors++;
      finished++;
    });
    req.end(spec.body);
  };

  await new Promise<void>((done) => {
    const tick = () => {
      const now = process.hrtime.bigint();
      // Send every request that is due by now (more than one only if this timer fired late).
      while (sent < total && start + BigInt(Math.round(sent * intervalNs)) <= now) {
        send(start + BigInt(Math.round(sent * intervalNs)));
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
  agent.destroy();
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
