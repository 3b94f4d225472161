import { AddressInfo } from 'node:net';
import { Server, createServer } from 'node:http';
import { pacedLoad } from '../../bench/paced';

/** The steady-rate benchmark client (bench/paced.ts) against a local server that answers in 10 ms. */
describe('bench pacedLoad', () => {
  let server: Server;
  let url: string;
  let chunked = false;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () =>
        setTimeout(() => {
          const out = JSON.stringify({ received: body.length, path: req.url });
          const headers: Record<string, string | number> = { 'content-type': 'application/json' };
          if (!chunked) headers['content-length'] = Buffer.byteLength(out);
          res.writeHead(201, headers);
          res.end(out);
        }, 10),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('finishes every request when they must wait for a busy socket, and reads each body', async () => {
    const bodies: unknown[] = [];
    const result = await pacedLoad({
      url,
      ratePerS: 300,
      durationS: 1,
      connections: 2,
      next: () => ({ method: 'POST', path: '/x', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }),
      onResponse: (_status, body) => bodies.push(JSON.parse(body)),
    });
    expect(result).toMatchObject({ requests: 300, errors: 0, timeouts: 0, non2xx: 0, statusCodes: { 201: 300 } });
    expect(bodies).toHaveLength(300);
    expect(bodies.every((b) => JSON.stringify(b) === '{"received":7,"path":"/x"}')).toBe(true);
    // 300 due in 1 s, at most 2 in flight answering in 10 ms each: the last ones waited well over 0.5 s.
    expect(result.p99).toBeGreaterThan(500);
  });

  it('counts a response it cannot frame (no Content-Length) as an error instead of waiting for it', async () => {
    chunked = true;
    try {
      const result = await pacedLoad({ url, ratePerS: 50, durationS: 0.2, connections: 2, next: () => ({ method: 'GET', path: '/y' }) });
      expect(result).toMatchObject({ requests: 0, errors: 10 });
    } finally {
      chunked = false;
    }
  });
});
