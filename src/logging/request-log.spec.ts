import Fastify, { FastifyInstance } from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { installRequestLog } from './request-log';

/** A Fastify app whose request log lines land in `lines`. */
function appWithLog(level = 'info'): { app: FastifyInstance; lines: Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const app = Fastify();
  installRequestLog(app, pino({ level }, sink));
  app.get('/payments/:id', async (request, reply) => reply.status((request.params as { id: string }).id === 'x' ? 400 : 200).send({ ok: true }));
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  app.get('/health', async () => ({ ok: true }));
  return { app, lines };
}

describe('installRequestLog', () => {
  it('writes one line per request with id, method, URL, status and time; level follows the status', async () => {
    const { app, lines } = appWithLog();
    await app.inject({ method: 'GET', url: '/payments/1', headers: { authorization: 'Bearer mk_secret_value' } });
    await app.inject({ method: 'GET', url: '/payments/x' });
    await app.inject({ method: 'GET', url: '/boom' });

    expect(lines).toHaveLength(3);
    expect(lines.map((line) => [line.level, line.res.statusCode, line.req.url, line.msg])).toEqual([
      [30, 200, '/payments/1', 'request completed'],
      [40, 400, '/payments/x', 'request completed'],
      [50, 500, '/boom', 'request completed'],
    ]);
    for (const line of lines) {
      expect(line.req).toEqual({ id: expect.any(String), method: 'GET', url: line.req.url });
      expect(line.responseTime).toEqual(expect.any(Number));
    }
    expect(JSON.stringify(lines)).not.toContain('mk_secret_value');
    await app.close();
  });

  it('skips the probes and honours the level', async () => {
    const { app, lines } = appWithLog('warn');
    await app.inject({ method: 'GET', url: '/health' });
    await app.inject({ method: 'GET', url: '/payments/1' });
    await app.inject({ method: 'GET', url: '/payments/x' });
    expect(lines.map((line) => line.req.url)).toEqual(['/payments/x']);
    await app.close();
  });
});
