import { isCalendarDate, jakartaDayRange, previousJakartaDate } from './jakarta-day';

describe('Jakarta calendar days', () => {
  it('accepts only real YYYY-MM-DD dates', () => {
    expect(isCalendarDate('2025-10-26')).toBe(true);
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2025-1-01')).toBe(false);
    expect(isCalendarDate('2025-10-26T00:00:00Z')).toBe(false);
    expect(isCalendarDate(20251026)).toBe(false);
  });

  it('spans 00:00 to 24:00 +07:00', () => {
    const { from, to } = jakartaDayRange('2025-10-26');
    expect(from.toISOString()).toBe('2025-10-25T17:00:00.000Z');
    expect(to.toISOString()).toBe('2025-10-26T17:00:00.000Z');
  });

  it('gives the previous Jakarta day at 01:00 Jakarta', () => {
    expect(previousJakartaDate(new Date('2025-10-25T18:00:00Z'))).toBe('2025-10-25');
    expect(previousJakartaDate(new Date('2025-10-25T16:59:00Z'))).toBe('2025-10-24');
  });
});
