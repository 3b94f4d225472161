import { parseDbUrl } from './database-url';

describe('parseDbUrl', () => {
  it('defaults to the embedded SQLite file', () => {
    expect(parseDbUrl(undefined)).toEqual({ kind: 'sqlite', target: './data/payments.sqlite' });
    expect(parseDbUrl('  ')).toEqual({ kind: 'sqlite', target: './data/payments.sqlite' });
  });

  it('recognises each driver', () => {
    expect(parseDbUrl('sqlite:/tmp/x.sqlite')).toEqual({ kind: 'sqlite', target: '/tmp/x.sqlite' });
    expect(parseDbUrl('sqlite:///tmp/x.sqlite')).toEqual({ kind: 'sqlite', target: '/tmp/x.sqlite' });
    expect(parseDbUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', target: ':memory:' });
    expect(parseDbUrl('mysql://root@127.0.0.1/test').kind).toBe('mysql');
    expect(parseDbUrl('mariadb://root@127.0.0.1/test')).toEqual({ kind: 'mysql', target: 'mysql://root@127.0.0.1/test' });
    expect(parseDbUrl('postgresql://localhost/test').kind).toBe('postgres');
  });

  it('rejects anything else', () => {
    expect(() => parseDbUrl('mongodb://x')).toThrow(/DB_URL/);
  });
});
