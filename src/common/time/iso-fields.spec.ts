import { isoFields } from './iso-fields';

describe('isoFields', () => {
  it('gives toISOString’s fields, with the separator and without the Z, for any instant', () => {
    const edges = ['2026-01-02T03:04:05.000Z', '2026-12-31T23:59:59.009Z', '2026-10-10T10:10:10.010Z', '2026-09-09T09:09:09.099Z', '1000-01-01T00:00:00.100Z', '9999-12-31T23:59:59.999Z'];
    const dates = [...edges.map((iso) => new Date(iso)), ...Array.from({ length: 2000 }, () => new Date(Math.floor(Math.random() * 8_000_000_000_000)))];
    for (const date of dates) {
      const iso = date.toISOString();
      expect(isoFields(date, 'T')).toBe(iso.slice(0, 23));
      expect(isoFields(date, ' ')).toBe(`${iso.slice(0, 10)} ${iso.slice(11, 23)}`);
    }
  });

  it('falls back to toISOString outside years 1000-9999 and rejects an invalid date', () => {
    expect(isoFields(new Date('0999-06-01T00:00:00.000Z'), ' ')).toBe('0999-06-01 00:00:00.000');
    expect(() => isoFields(new Date(NaN), 'T')).toThrow(RangeError);
  });
});
