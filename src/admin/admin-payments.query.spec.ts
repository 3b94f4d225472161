import { AppError } from '../common/errors/app-error';
import { decodeCursor, encodeCursor, parseCsvQuery, parseJakartaInstant, parseListQuery } from './admin-payments.query';

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    return ((error as AppError).errors ?? []).map((e) => e.field);
  }
  throw new Error('expected a 400');
}

describe('parseJakartaInstant', () => {
  it.each([
    ['2025-10-26', '2025-10-25T17:00:00.000Z', true],
    ['2025-10-26T12:00', '2025-10-26T05:00:00.000Z', false],
    ['2025-10-26T12:00:30.5', '2025-10-26T05:00:30.500Z', false],
    ['2025-10-26T12:00:00Z', '2025-10-26T12:00:00.000Z', false],
    ['2025-10-26T12:00:00+08:00', '2025-10-26T04:00:00.000Z', false],
  ])('%s', (text, iso, dateOnly) => {
    expect(parseJakartaInstant(text)).toEqual({ at: new Date(iso), dateOnly });
  });

  it.each(['2025-02-30', '2025-13-01', '2025-10-26T24:00', 'yesterday', '26/10/2025', '2025-10-26 12:00', ''])('rejects %j', (text) => {
    expect(parseJakartaInstant(text)).toBeUndefined();
  });
});

describe('cursor', () => {
  const cursor = { createdAt: new Date('2025-10-26T05:00:00.123Z'), id: '0199f0a4-0000-7000-8000-000000000001' };

  it('round-trips as opaque base64url', () => {
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(cursor);
  });

  it.each(['', 'abc', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["x","y"]').toString('base64url')])(
    'rejects %j',
    (text) => expect(decodeCursor(text)).toBeUndefined(),
  );
});

describe('parseListQuery', () => {
  it('defaults to 50 newest, no filter', () => {
    expect(parseListQuery({})).toEqual({ filter: {}, limit: 50, cursor: undefined });
  });

  it('reads every filter; a date `to` covers the whole Jakarta day', () => {
    expect(parseListQuery({ status: 'PAID', from: '2025-10-26', to: '2025-10-26', q: 'INV-1', limit: '200' })).toEqual({
      filter: {
        status: 'PAID',
        from: new Date('2025-10-25T17:00:00Z'),
        before: new Date('2025-10-26T17:00:00Z'),
        q: 'INV-1',
      },
      limit: 200,
      cursor: undefined,
    });
  });

  it('a date-time `to` is inclusive', () => {
    expect(parseListQuery({ to: '2025-10-26T12:00:00' }).filter.before).toEqual(new Date('2025-10-26T05:00:00.001Z'));
  });

  it.each([
    [{ status: 'paid' }, ['status']],
    [{ from: 'nope' }, ['from']],
    [{ to: '2025-02-30' }, ['to']],
    [{ from: '2025-10-27', to: '2025-10-26' }, ['to']],
    [{ limit: '0' }, ['limit']],
    [{ limit: '201' }, ['limit']],
    [{ limit: '1.5' }, ['limit']],
    [{ cursor: 'garbage' }, ['cursor']],
    [{ q: '' }, ['q']],
    [{ status: ['PAID', 'PENDING'] }, ['status']],
    [{ sort: 'asc' }, ['sort']],
  ])('400 for %j', (raw, fields) => {
    expect(fieldsOf(() => parseListQuery(raw))).toEqual(fields);
  });
});

describe('parseCsvQuery', () => {
  it('takes the filters but not paging', () => {
    expect(parseCsvQuery({ status: 'PENDING' })).toEqual({ status: 'PENDING' });
    expect(fieldsOf(() => parseCsvQuery({ limit: '10' }))).toEqual(['limit']);
  });
});
