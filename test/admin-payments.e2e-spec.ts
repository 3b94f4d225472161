import { randomUUID } from 'node:crypto';
import { AdminPaymentsService } from '../src/admin/admin-payments.service';
import { uuidv7 } from '../src/common/ids/uuid-v7';
import { Db } from '../src/database/db';
import { PaymentLogEntity } from '../src/database/entities/payment-log.entity';
import { PaymentEntity } from '../src/database/entities/payment.entity';
import { PaymentStatus } from '../src/payments/payment-state';
import { RunningApp, http, startApp } from './support/app-harness';
import { TestDatabase, testDatabases } from './support/databases';

const ADMIN_KEY = 'admin-key-for-e2e-tests-0123456789';
const auth = { authorization: `Bearer ${ADMIN_KEY}` };

/** 2025-10-26 10:00 +07:00 plus the given minutes. */
const at = (minutes: number) => new Date(Date.UTC(2025, 9, 26, 3, minutes));

describe.each(testDatabases())('admin payments API on %s', (_name, makeDatabase) => {
  let database: TestDatabase;
  let running: RunningApp;
  let db: Db;
  const get = (path: string, headers: Record<string, string> = auth) => http(running.baseUrl, 'GET', path, undefined, headers);

  async function seed(i: number, createdAt: Date, status: PaymentStatus, orderId = `ADM-${String(i).padStart(3, '0')}`) {
    const payment: PaymentEntity = Object.assign(new PaymentEntity(), {
      id: uuidv7(),
      orderId,
      amount: 1000 + i,
      currency: 'IDR',
      status,
      provider: 'mock',
      qrisPayload: `00020101021226SECRETQR${i}6304ABCD`,
      providerTrxId: `TRX-${i}`,
      providerRefNo: status === 'PAID' ? `REF-${i}` : null,
      expiresAt: new Date(createdAt.getTime() + 15 * 60_000),
      paidAt: status === 'PAID' ? new Date(createdAt.getTime() + 60_000) : null,
      callbackUrl: null,
      metadata: null,
      signatureVersion: 1,
      lockedBy: null,
      lockedUntil: null,
      createdAt,
      updatedAt: createdAt,
    });
    await db.manager.insert(PaymentEntity, payment);
    return payment;
  }

  let all: PaymentEntity[];

  beforeAll(async () => {
    database = await makeDatabase();
    running = await startApp({ ...database.appEnv, ADMIN_API_KEY: ADMIN_KEY });
    db = running.app.get(Db);
    // 25 payments; groups of five share one created_at so that paging must break ties by id.
    const statuses: PaymentStatus[] = ['PENDING', 'PAID', 'EXPIRED', 'PAID', 'FAILED'];
    all = [];
    for (let i = 0; i < 25; i++) all.push(await seed(i, at(Math.floor(i / 5) * 60), statuses[i % 5]));
    all.push(await seed(99, at(24 * 60), 'PENDING', '=cmd|"/c calc"!A1'));
    const log = (event: string, payload: PaymentLogEntity['payload'], createdAt: Date) =>
      Object.assign(new PaymentLogEntity(), { id: uuidv7(), paymentId: all[0].id, event, payload, createdAt });
    await db.manager.insert(PaymentLogEntity, [log('CREATED', { amount: 1000 }, at(0)), log('QR_ISSUED', null, at(1))]);
  });

  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  const newestFirst = (rows: PaymentEntity[]) =>
    [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((p) => p.id);

  describe('GET /admin/payments', () => {
    it('lists newest first with the admin fields and no QR payload', async () => {
      const res = await get('/admin/payments?limit=3');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body.data.map((p: any) => p.payment_id)).toEqual(newestFirst(all).slice(0, 3));
      expect(res.body.next_cursor).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]+$/));
      expect(res.body.data[0]).toEqual({
        payment_id: all[25].id,
        order_id: '=cmd|"/c calc"!A1',
        status: 'PENDING',
        amount: 1099,
        currency: 'IDR',
        provider: 'mock',
        provider_trx_id: 'TRX-99',
        provider_ref_no: null,
        expires_at: '2025-10-27T10:15:00+07:00',
        paid_at: null,
        created_at: '2025-10-27T10:00:00+07:00',
        updated_at: '2025-10-27T10:00:00+07:00',
      });
      expect(JSON.stringify(res.body)).not.toContain('SECRETQR');
    });

    it('pages through ties in created_at without duplicates or gaps', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: any = await get(`/admin/payments?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.data.map((p: any) => p.payment_id));
        cursor = res.body.next_cursor;
        pages++;
      } while (cursor && pages < 20);
      expect(pages).toBe(7);
      expect(seen).toEqual(newestFirst(all));
    });

    it('filters by status, by Jakarta dates and date-times, and by order_id or provider_trx_id', async () => {
      const ids = async (query: string) => {
        const res = await get(`/admin/payments?limit=200&${query}`);
        expect(res.status).toBe(200);
        return res.body.data.map((p: any) => p.payment_id).sort();
      };
      const expectIds = (rows: PaymentEntity[]) => rows.map((p) => p.id).sort();

      expect(await ids('status=PAID')).toEqual(expectIds(all.filter((p) => p.status === 'PAID')));
      expect(await ids('from=2025-10-27')).toEqual(expectIds([all[25]]));
      expect(await ids('to=2025-10-26')).toEqual(expectIds(all.slice(0, 25)));
      // 11:00 and 12:00 +07:00 inclusive, given without an offset and with one.
      expect(await ids('from=2025-10-26T11:00&to=2025-10-26T12:00:00')).toEqual(expectIds(all.slice(5, 15)));
      expect(await ids('from=2025-10-26T04:00:00Z&to=2025-10-26T05:00:00.000Z')).toEqual(expectIds(all.slice(5, 15)));
      expect(await ids('q=ADM-007')).toEqual(expectIds([all[7]]));
      expect(await ids('q=TRX-12')).toEqual(expectIds([all[12]]));
      expect(await ids('q=ADM-0')).toEqual([]);
      expect(await ids('status=PAID&from=2025-10-26T12:00')).toEqual(expectIds([all[11], all[13], all[16], all[18], all[21], all[23]]));
    });

    it.each([
      ['a bad status', 'status=DONE', 'status'],
      ['a bad date', 'from=2025-02-30', 'from'],
      ['a bad cursor', 'cursor=not-a-cursor', 'cursor'],
      ['a limit over 200', 'limit=500', 'limit'],
      ['an unknown parameter', 'sort=asc', 'sort'],
    ])('400 problem for %s', async (_case, query, field) => {
      const res = await get(`/admin/payments?${query}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field })] });
    });

    it('401 without a key or with a wrong one', async () => {
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: ADMIN_KEY }] as Array<Record<string, string>>) {
        const res = await get('/admin/payments', headers);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
      expect((await get('/admin/payments.csv', {})).status).toBe(401);
      expect((await get(`/admin/payments/${all[0].id}/logs`, {})).status).toBe(401);
    });
  });

  describe('GET /admin/payments.csv', () => {
    it('streams every matching row as CSV, defusing formula cells', async () => {
      const response = await fetch(`${running.baseUrl}/admin/payments.csv`, { headers: auth });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="payments-\d{4}-\d{2}-\d{2}\.csv"$/);
      const text = await response.text();
      const lines = text.split('\r\n');
      expect(lines[0]).toBe(
        'payment_id,order_id,status,amount,currency,provider,provider_trx_id,provider_ref_no,expires_at,paid_at,created_at,updated_at',
      );
      expect(lines).toHaveLength(all.length + 2);
      expect(lines[lines.length - 1]).toBe('');
      expect(lines[1]).toBe(
        `${all[25].id},"'=cmd|""/c calc""!A1",PENDING,1099,IDR,mock,TRX-99,,2025-10-27T10:15:00+07:00,,2025-10-27T10:00:00+07:00,2025-10-27T10:00:00+07:00`,
      );
      expect(lines.slice(1, -1).map((l) => l.slice(0, 36))).toEqual(newestFirst(all));
      expect(text).not.toContain('SECRETQR');
    });

    it('applies the same filters', async () => {
      const text = await (await fetch(`${running.baseUrl}/admin/payments.csv?status=FAILED&to=2025-10-26T11:00`, { headers: auth })).text();
      const rows = text.trim().split('\r\n').slice(1);
      expect(rows.map((l) => l.slice(0, 36)).sort()).toEqual([all[4].id, all[9].id].sort());
    });

    it('exports in keyset batches that neither repeat nor skip rows on created_at ties', async () => {
      const batches: string[][] = [];
      for await (const rows of running.app.get(AdminPaymentsService).all({}, 4)) batches.push(rows.map((r) => r.id));
      expect(batches.map((b) => b.length)).toEqual([4, 4, 4, 4, 4, 4, 2]);
      expect(batches.flat()).toEqual(newestFirst(all));
    });

    it('400 problem for a bad filter, before any CSV is sent', async () => {
      const res = await get('/admin/payments.csv?from=tomorrow');
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });
  });

  describe('GET /admin/payments/:id/logs', () => {
    it("returns the payment's timeline oldest first", async () => {
      const res = await get(`/admin/payments/${all[0].id}/logs`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        payment_id: all[0].id,
        data: [
          { event: 'CREATED', payload: { amount: 1000 }, created_at: '2025-10-26T10:00:00+07:00' },
          { event: 'QR_ISSUED', payload: null, created_at: '2025-10-26T10:01:00+07:00' },
        ],
      });
    });

    it('404 for an unknown payment, 400 for a malformed id', async () => {
      expect((await get(`/admin/payments/${randomUUID()}/logs`)).body).toMatchObject({ status: 404 });
      expect((await get('/admin/payments/nope/logs')).status).toBe(400);
    });
  });

  it('404 problem on every admin route when ADMIN_API_KEY is unset', async () => {
    const off = await startApp({ ...database.appEnv, DB_MIGRATIONS_RUN: 'false' });
    try {
      for (const path of ['/admin/payments', '/admin/payments.csv', `/admin/payments/${all[0].id}/logs`]) {
        const res = await http(off.baseUrl, 'GET', path, undefined, auth);
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    } finally {
      await off.close();
    }
  });
});
