import { randomUUID } from 'node:crypto';
import { RunningApp, http, startApp } from '../support/app-harness';
import { TestDatabase, testDatabases } from '../support/databases';

const [, sqlite] = testDatabases()[0];
const KEY_A = 'merchant-key-a-0123456789abcdef';
const KEY_B = 'merchant-key-b-0123456789abcdef';

describe('merchant auth, CORS, security headers, metrics and docs', () => {
  let database: TestDatabase;
  let running: RunningApp;
  let seq = 0;
  const orderId = () => `SEC-${Date.now().toString(36)}-${++seq}`;
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    database = await sqlite();
    running = await startApp({ DB_URL: database.url, MERCHANT_API_KEYS: ` ${KEY_A} ,${KEY_B}`, CORS_ORIGINS: 'https://dashboard.example.com' });
  });
  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  it.each([
    ['no Authorization header', {}, 'Bearer'],
    ['an unknown key', bearer('merchant-key-c-0123456789abcdef'), 'Bearer error="invalid_token"'],
    ['a prefix of a key', bearer(KEY_A.slice(0, -1)), 'Bearer error="invalid_token"'],
    ['another scheme', { authorization: `Basic ${KEY_A}` }, 'Bearer'],
  ])('401 problem with WWW-Authenticate for %s, and nothing created', async (_label, headers, challenge) => {
    const res = await http(running.baseUrl, 'POST', '/payments', { order_id: orderId(), amount: 1000 }, headers);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(challenge);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect((await http(running.baseUrl, 'GET', `/payments/${randomUUID()}`)).status).toBe(401);
  });

  it('accepts every configured key; idempotency keys are scoped per merchant key', async () => {
    const idempotencyKey = randomUUID();
    const a = await http(running.baseUrl, 'POST', '/payments', { order_id: orderId(), amount: 1000 }, { ...bearer(KEY_A), 'Idempotency-Key': idempotencyKey });
    expect(a.status).toBe(201);
    // The same Idempotency-Key from another merchant is another request, not a reuse (422).
    const b = await http(running.baseUrl, 'POST', '/payments', { order_id: orderId(), amount: 2000 }, { ...bearer(KEY_B), 'Idempotency-Key': idempotencyKey });
    expect(b.status).toBe(201);
    const replay = await http(running.baseUrl, 'POST', '/payments', { order_id: a.body.order_id, amount: 1000 }, { ...bearer(KEY_A), 'Idempotency-Key': idempotencyKey });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await http(running.baseUrl, 'GET', `/payments/${a.body.payment_id}`, undefined, bearer(KEY_B))).status).toBe(200);
  });

  it('CORS: a listed origin is echoed with Vary: Origin; a foreign origin gets no Access-Control-Allow-Origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${running.baseUrl}/payments`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
      });
    const allowed = await preflight('https://dashboard.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://dashboard.example.com');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Idempotency-Key/);
    expect(allowed.headers.get('vary')).toMatch(/Origin/);

    const foreign = await preflight('https://evil.example.com');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const get = await fetch(`${running.baseUrl}/health`, { headers: { origin: 'https://evil.example.com' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    expect(get.headers.get('vary')).toMatch(/Origin/);
    const listed = await fetch(`${running.baseUrl}/health`, { headers: { origin: 'https://dashboard.example.com' } });
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://dashboard.example.com');
    expect(listed.headers.get('access-control-expose-headers')).toMatch(/RateLimit/);
  });

  it('sends the API security headers on JSON, helmet\'s document set on HTML; only /docs gets the relaxed CSP swagger-ui needs', async () => {
    for (const api of [await fetch(`${running.baseUrl}/health`), await fetch(`${running.baseUrl}/payments/not-a-uuid`)]) {
      expect(api.headers.get('x-content-type-options')).toBe('nosniff');
      expect(api.headers.get('strict-transport-security')).toMatch(/max-age=/);
      expect(api.headers.get('x-frame-options')).toBe('DENY');
      expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(api.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(api.headers.get('referrer-policy')).toBe('no-referrer');
      // Document-only headers stay off JSON.
      expect(api.headers.get('cross-origin-opener-policy')).toBeNull();
      expect(api.headers.get('x-dns-prefetch-control')).toBeNull();
      await api.arrayBuffer();
    }
    const docs = await fetch(`${running.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger-ui/i);
    expect(docs.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(docs.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(docs.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
    expect(docs.headers.get('content-security-policy')).toMatch(/style-src 'self' 'unsafe-inline'/);
    expect(docs.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    const bundle = await fetch(`${running.baseUrl}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    await bundle.arrayBuffer(); // an unread body keeps the connection busy and app.close() waiting
  });

  it('rejects a non-JSON body and an oversized body with 4xx problems', async () => {
    const text = await fetch(`${running.baseUrl}/payments`, { method: 'POST', headers: { ...bearer(KEY_A), 'content-type': 'text/plain' }, body: 'x' });
    expect(text.status).toBe(415);
    const big = await http(running.baseUrl, 'POST', '/payments', { order_id: orderId(), amount: 1, pad: 'x'.repeat(70 * 1024) }, bearer(KEY_A));
    expect(big.status).toBe(413);
  });

  it('documents the API at /docs/json with both bearer schemes and the merchant security on /payments', async () => {
    const res = await http(running.baseUrl, 'GET', '/docs/json');
    expect(res.status).toBe(200);
    expect(res.body.components.securitySchemes).toMatchObject({
      merchant: { type: 'http', scheme: 'bearer' },
      admin: { type: 'http', scheme: 'bearer' },
    });
    expect(res.body.paths['/payments'].post.security).toEqual([{ merchant: [] }]);
    expect(res.body.components.schemas.CreatePaymentDto.properties.order_id.example).toBe('INV-2025-0001');
  });

  it('exposes Prometheus metrics: request durations by route pattern, transitions, default process metrics', async () => {
    const created = await http(running.baseUrl, 'POST', '/payments', { order_id: orderId(), amount: 5000 }, bearer(KEY_A));
    expect(created.status).toBe(201);
    await http(running.baseUrl, 'GET', `/payments/${created.body.payment_id}`, undefined, bearer(KEY_A));
    const res = await fetch(`${running.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/payments\/:id",status="200"\} [1-9]/);
    expect(text).not.toContain(created.body.payment_id);
    expect(text).toMatch(/payment_transitions_total\{to="PENDING"\} [1-9]/);
    expect(text).toMatch(/process_cpu_user_seconds_total/);
    for (const name of ['webhook_events_total', 'callback_attempts_total', 'job_duration_seconds', 'queue_depth']) expect(text).toContain(`# TYPE ${name}`);
  });
});
