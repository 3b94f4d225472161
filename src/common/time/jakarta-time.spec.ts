import { jakartaDate, toJakartaIso } from './jakarta-time';

describe('jakarta time', () => {
  it('formats instants with the +07:00 offset', () => {
    expect(toJakartaIso(new Date('2025-10-25T22:00:00Z'))).toBe('2025-10-26T05:00:00+07:00');
    expect(toJakartaIso(null)).toBeNull();
  });

  it('gives the Jakarta calendar date across UTC midnight', () => {
    expect(jakartaDate(new Date('2025-10-25T17:00:00Z'))).toBe('2025-10-26');
    expect(jakartaDate(new Date('2025-10-25T16:59:59Z'))).toBe('2025-10-25');
  });
});
