import { formatRupiahDecimal, parseRupiah, tryParseRupiah } from './rupiah';

describe('rupiah', () => {
  it('parses database and provider representations exactly', () => {
    expect(parseRupiah('150000.00')).toBe(150000);
    expect(parseRupiah('275000')).toBe(275000);
    expect(parseRupiah('1000.')).toBe(1000);
    expect(parseRupiah(150000)).toBe(150000);
  });

  it('refuses fractions, signs, separators and floats', () => {
    expect(() => parseRupiah('150000.01')).toThrow(RangeError);
    expect(() => parseRupiah('-5')).toThrow(RangeError);
    expect(() => parseRupiah('1,000')).toThrow(RangeError);
    expect(() => parseRupiah(0.1 + 0.2)).toThrow(RangeError);
    expect(() => parseRupiah(-5)).toThrow(RangeError);
    expect(() => parseRupiah(150000.5)).toThrow(RangeError);
    expect(() => parseRupiah(Number.MAX_SAFE_INTEGER + 2)).toThrow(RangeError);
    expect(() => parseRupiah(Number.NaN)).toThrow(RangeError);
    expect(() => parseRupiah('1e5')).toThrow(RangeError);
    expect(tryParseRupiah('12.5')).toBeNull();
    expect(tryParseRupiah({})).toBeNull();
  });

  it('formats the decimal column text', () => {
    expect(formatRupiahDecimal(150000)).toBe('150000.00');
    expect(() => formatRupiahDecimal(1.5)).toThrow(RangeError);
  });
});
