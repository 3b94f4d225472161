import { randomUUID } from 'node:crypto';
import { Db } from '../src/database/db';
import { IdempotencyKeyEntity } from '../src/database/entities/idempotency-key.entity';
import { PaymentLogEntity } from '../src/database/entities/payment-log.entity';
import { PaymentEntity } from '../src/database/entities/payment.entity';
import { parseQris } from '../src/qris/qris-codec';
import { RunningApp, TestClock, http, startApp } from './support/app-harness';
import { TestDatabase, testDatabases } from './support/databases';

const briefExample = {
  order_id: 'INV-2025-0001',
  amount: 150000,
  callback_url: 'https://merchant.app/callback',
  metadata: { customer_id: 'C123' },
};

describe.each(testDatabases())('payments API on %s', (_name, makeDatabase) => {
  let database: TestDatabase;
  let running: RunningApp;
  let clock: TestClock;
  let db: Db;
  let seq = 0;
  const orderId = (prefix = 'ORD') => `${prefix}-${Date.now().toString(36)}-${++seq}`;
  const post = (body: unknown, headers: Record<string, string> = {}) => http(running.baseUrl, 'POST', '/payments', body, headers);
  const countPayments = () => db.manager.count(PaymentEntity);

  beforeAll(async () => {
    database = await makeDatabase();
    clock = new TestClock(new Date('2025-10-26T04:45:00Z'));
    running = await startApp({ ...database.appEnv }, { clock });
    db = running.app.get(Db);
  });

  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  describe('POST /payments', () => {
    it('creates the brief example: 201 with a valid dynamic QRIS carrying the amount and our reference', async () => {
      const res = await post(briefExample, { 'Idempotency-Key': randomUUID() });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        payment_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        order_id: 'INV-2025-0001',
        status: 'PENDING',
        amount: 150000,
        currency: 'IDR',
        qr_string: expect.stringMatching(/^000201010212/),
        expires_at: '2025-10-26T12:00:00+07:00',
        provider_trx_id: expect.any(String),
      });
      const qr = parseQris(res.body.qr_string);
      expect(qr.initiation).toBe('dynamic');
      expect(qr.amountRupiah).toBe(150000);
      expect(qr.referenceLabel).toBe(res.body.provider_trx_id);
      expect(qr.currency).toBe('360');

      const row = await db.manager.findOneByOrFail(PaymentEntity, { id: res.body.payment_id });
      expect(row).toMatchObject({ status: 'PENDING', amount: 150000, provider: 'mock', metadata: { customer_id: 'C123' } });
      expect(row.expiresAt.toISOString()).toBe('2025-10-26T05:00:00.000Z');
      const logs = await db.manager.find(PaymentLogEntity, { where: { paymentId: row.id }, order: { createdAt: 'ASC', id: 'ASC' } });
      expect(logs.map((l) => l.event)).toEqual(['CREATED', 'QR_ISSUED']);
    });

    it('takes expiry_minutes from the request', async () => {
      const res = await post({ order_id: orderId(), amount: 1000, expiry_minutes: 1 });
      expect(res.status).toBe(201);
      expect(res.body.expires_at).toBe('2025-10-26T11:46:00+07:00');
    });

    it.each([
      ['an unknown field', { order_id: 'A1', amount: 1000, foo: 1 }, 'foo'],
      ['amount 0', { order_id: 'A1', amount: 0 }, 'amount'],
      ['a fractional amount', { order_id: 'A1', amount: 1000.5 }, 'amount'],
      ['an amount over the QRIS ceiling', { order_id: 'A1', amount: 10_000_001 }, 'amount'],
      ['an amount as a string', { order_id: 'A1', amount: '1000' }, 'amount'],
      ['a float rounding trap', { order_id: 'A1', amount: 0.1 + 0.2 }, 'amount'],
      ['another currency', { order_id: 'A1', amount: 1000, currency: 'USD' }, 'currency'],
      ['an order_id with spaces', { order_id: 'A 1', amount: 1000 }, 'order_id'],
      ['a 65-character order_id', { order_id: 'A'.repeat(65), amount: 1000 }, 'order_id'],
      ['a missing order_id', { amount: 1000 }, 'order_id'],
      ['an ftp callback_url', { order_id: 'A1', amount: 1000, callback_url: 'ftp://x.example/cb' }, 'callback_url'],
      ['metadata that is an array', { order_id: 'A1', amount: 1000, metadata: [1] }, 'metadata'],
      ['expiry_minutes 0', { order_id: 'A1', amount: 1000, expiry_minutes: 0 }, 'expiry_minutes'],
      ['expiry_minutes over a day', { order_id: 'A1', amount: 1000, expiry_minutes: 1441 }, 'expiry_minutes'],
    ])('rejects %s with a 400 problem naming the field, and creates nothing', async (_case, body, field) => {
      const before = await countPayments();
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', type: '/problems/validation-failed' });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await countPayments()).toBe(before);
    });

    it('answers malformed JSON, oversize bodies, other media types and unknown routes with problems', async () => {
      const malformed = await post('{"order_id": ');
      expect(malformed.status).toBe(400);
      expect(malformed.body).toMatchObject({ code: 'MALFORMED_JSON' });
      expect(JSON.stringify(malformed.body)).not.toMatch(/position|Unexpected/);

      const big = await post({ order_id: 'BIG', amount: 1000, metadata: { blob: 'x'.repeat(70 * 1024) } });
      expect(big.status).toBe(413);
      expect(big.body).toMatchObject({ code: 'BODY_TOO_LARGE' });

      const text = await fetch(`${running.baseUrl}/payments`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
      expect(text.status).toBe(415);
      expect(text.headers.get('content-type')).toContain('application/problem+json');

      const missing = await http(running.baseUrl, 'GET', '/nowhere');
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
    });

    it('rejects a malformed Idempotency-Key', async () => {
      const res = await post({ order_id: orderId(), amount: 1000 }, { 'Idempotency-Key': 'has space' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_IDEMPOTENCY_KEY');
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first response with Idempotent-Replayed, and 422s another body', async () => {
      const key = randomUUID();
      const body = { order_id: orderId(), amount: 25000 };
      const first = await post(body, { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();

      const again = await post({ amount: 25000, order_id: body.order_id }, { 'Idempotency-Key': key });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);

      const other = await post({ ...body, amount: 25001 }, { 'Idempotency-Key': key });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await db.manager.countBy(PaymentEntity, { orderId: body.order_id })).toBe(1);
    });

    it('answers 409 while the first request with the key is still running', async () => {
      const key = randomUUID();
      const body = { order_id: orderId(), amount: 1000 };
      const { requestFingerprint } = await import('../src/idempotency/fingerprint');
      await db.transaction((em) =>
        em.insert(IdempotencyKeyEntity, {
          id: randomUUID(),
          scope: 'public',
          key,
          fingerprint: requestFingerprint('POST', '/payments', body),
          status: 'IN_PROGRESS',
          responseStatus: null,
          responseBody: null,
          createdAt: clock.now(),
          expiresAt: new Date(clock.now().getTime() + 86_400_000),
        }),
      );
      const res = await post(body, { 'Idempotency-Key': key });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await db.manager.countBy(PaymentEntity, { orderId: body.order_id })).toBe(0);
    });

    it('30 parallel creates with one key make one payment and one QR', async () => {
      const key = randomUUID();
      const body = { order_id: orderId('PAR'), amount: 50000 };
      const results = await Promise.all(Array.from({ length: 30 }, () => post(body, { 'Idempotency-Key': key })));
      const statuses = results.map((r) => r.status);
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      const created = results.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((r) => r.body.payment_id)).size).toBe(1);
      expect(new Set(created.map((r) => r.body.qr_string)).size).toBe(1);
      expect(await db.manager.countBy(PaymentEntity, { orderId: body.order_id })).toBe(1);
      const paymentId = created[0].body.payment_id;
      expect(await db.manager.countBy(PaymentLogEntity, { paymentId, event: 'QR_ISSUED' })).toBe(1);
    });

    it('30 parallel creates of one order without a key make one payment and one QR', async () => {
      const body = { order_id: orderId('ORDPAR'), amount: 50000 };
      const results = await Promise.all(Array.from({ length: 30 }, () => post(body)));
      expect(results.every((r) => [200, 201, 409].includes(r.status))).toBe(true);
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      const ok = results.filter((r) => r.status < 300);
      expect(new Set(ok.map((r) => r.body.payment_id)).size).toBe(1);
      expect(await db.manager.countBy(PaymentEntity, { orderId: body.order_id })).toBe(1);
      expect(await db.manager.countBy(PaymentLogEntity, { paymentId: ok[0].body.payment_id, event: 'QR_ISSUED' })).toBe(1);
    });
  });

  describe('order_id rules', () => {
    it('returns the pending payment (200) for the same order and amount, 409 for another amount', async () => {
      const body = { order_id: orderId(), amount: 75000 };
      const first = await post(body);
      expect(first.status).toBe(201);
      const same = await post(body);
      expect(same.status).toBe(200);
      expect(same.body).toEqual(first.body);
      const other = await post({ ...body, amount: 75001 });
      expect(other.status).toBe(409);
      expect(other.body.code).toBe('ORDER_AMOUNT_MISMATCH');
    });

    it('409s an order that is paid, failed or past its expiry', async () => {
      const paid = { order_id: orderId(), amount: 1000 };
      const created = await post(paid);
      await db.transaction((em) => em.update(PaymentEntity, { id: created.body.payment_id }, { status: 'PAID' }));
      expect((await post(paid)).body.code).toBe('ORDER_ALREADY_PAID');

      const failed = { order_id: orderId(), amount: 1000 };
      const f = await post(failed);
      await db.transaction((em) => em.update(PaymentEntity, { id: f.body.payment_id }, { status: 'FAILED' }));
      expect((await post(failed)).body.code).toBe('ORDER_FAILED');

      const late = { order_id: orderId(), amount: 1000, expiry_minutes: 1 };
      await post(late);
      clock.advance(61_000);
      const res = await post(late);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ORDER_EXPIRED');
    });

    it('keeps the payment CREATED on a provider outage (502) and retries the provider on the next request', async () => {
      const body = { order_id: orderId('MOCK_PROVIDER_FLAKY'), amount: 42000 };
      const key = randomUUID();
      const down = await post(body, { 'Idempotency-Key': key });
      expect(down.status).toBe(502);
      expect(down.body).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', status: 502 });
      const kept = await db.manager.findOneByOrFail(PaymentEntity, { orderId: body.order_id });
      expect(kept.status).toBe('CREATED');
      expect(kept.lockedBy).toBeNull();

      const retried = await post(body, { 'Idempotency-Key': key });
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      expect(retried.body.payment_id).toBe(kept.id);
      const logs = await db.manager.find(PaymentLogEntity, { where: { paymentId: kept.id }, order: { createdAt: 'ASC', id: 'ASC' } });
      expect(logs.map((l) => l.event)).toEqual(['CREATED', 'ERROR', 'RETRY', 'QR_ISSUED']);
    });

    it('never calls a down provider twice at once and answers every caller', async () => {
      const body = { order_id: orderId('MOCK_PROVIDER_DOWN'), amount: 1000 };
      const results = await Promise.all(Array.from({ length: 10 }, () => post(body)));
      expect(results.every((r) => r.status === 502 || r.status === 409)).toBe(true);
      expect(await db.manager.countBy(PaymentEntity, { orderId: body.order_id, status: 'CREATED' })).toBe(1);
    });
  });

  describe('GET /payments/:id and the QR image', () => {
    it('reads a payment with Jakarta timestamps', async () => {
      const created = await post({ order_id: orderId(), amount: 99000, metadata: { note: 'x' } });
      const res = await http(running.baseUrl, 'GET', `/payments/${created.body.payment_id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        payment_id: created.body.payment_id,
        status: 'PENDING',
        amount: 99000,
        qr_string: created.body.qr_string,
        provider_ref_no: null,
        paid_at: null,
        metadata: { note: 'x' },
      });
      expect(res.body.created_at).toMatch(/\+07:00$/);
    });

    it('404s an unknown id and 400s a non-uuid', async () => {
      const unknown = await http(running.baseUrl, 'GET', `/payments/${randomUUID()}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('PAYMENT_NOT_FOUND');
      const bad = await http(running.baseUrl, 'GET', '/payments/not-a-uuid');
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('INVALID_PAYMENT_ID');
    });

    it('serves PNG and SVG while payable, 410 once not', async () => {
      const created = await post({ order_id: orderId(), amount: 5000, expiry_minutes: 2 });
      const png = await fetch(`${running.baseUrl}/payments/${created.body.payment_id}/qr.png`);
      expect(png.status).toBe(200);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await png.arrayBuffer()).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      const svg = await fetch(`${running.baseUrl}/payments/${created.body.payment_id}/qr.svg`);
      expect(svg.status).toBe(200);
      expect(await svg.text()).toContain('<svg');

      clock.advance(3 * 60_000);
      const gone = await http(running.baseUrl, 'GET', `/payments/${created.body.payment_id}/qr.png`);
      expect(gone.status).toBe(410);
      expect(gone.body.code).toBe('PAYMENT_NOT_PAYABLE');
    });
  });

  it('reports ready with the database up', async () => {
    const res = await http(running.baseUrl, 'GET', '/ready');
    expect(res.status).toBe(200);
    expect(res.body.checks.database).toBe('up');
  });
});
