import Fastify, { FastifyInstance } from 'fastify';
import { installRequestLog } from './request-log';

/** A Fastify app whose request log lines land in `lines`. */
function appWithLog(level = 'info', options: { requestIdHeader?: string } = {}): { app: FastifyInstance; lines: Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = [];
  const app = Fastify(options);
  installRequestLog(app, level, { write: (line: string) => lines.push(JSON.parse(line)) });
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
      expect(Object.keys(line)).toEqual(['level', 'time', 'pid', 'hostname', 'req', 'res', 'responseTime', 'msg']);
      expect(line.req).toEqual({ id: expect.any(String), method: 'GET', url: line.req.url });
      expect(line.responseTime).toEqual(expect.any(Number));
      expect(line.pid).toBe(process.pid);
    }
    expect(JSON.stringify(lines)).not.toContain('mk_secret_value');
    await app.close();
  });

  it('escapes what the caller controls (URL, X-Request-Id) into valid JSON', async () => {
    const { app, lines } = appWithLog('info', { requestIdHeader: 'x-request-id' });
    const id = 'a"b\\c\u2028d';
    await app.inject({ method: 'GET', url: '/payments/1?q=%22x%22', headers: { 'x-request-id': id } });
    expect(lines).toHaveLength(1); // JSON.parse in the sink would have thrown on a broken line
    expect(lines[0].req).toEqual({ id, method: 'GET', url: '/payments/1?q=%22x%22' });
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
