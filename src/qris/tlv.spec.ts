import { QrisFormatError } from './qris-format.error';
import { encodeTlv, parseTlv } from './tlv';

describe('TLV', () => {
  it('parses tag, length and value', () => {
    expect(parseTlv('000201010212')).toEqual([
      { tag: '00', value: '01' },
      { tag: '01', value: '12' },
    ]);
  });

  it('encodes with 2-digit lengths', () => {
    expect(encodeTlv([{ tag: '59', value: 'TOKO CONTOH' }])).toBe('5911TOKO CONTOH');
  });

  it('counts characters, not bytes, and round-trips non-ASCII text', () => {
    const fields = [{ tag: '01', value: '最佳运输' }];
    expect(encodeTlv(fields)).toBe('0104最佳运输');
    expect(parseTlv('0104最佳运输0202北京')).toEqual([...fields, { tag: '02', value: '北京' }]);
  });

  it('counts astral characters as one (code points)', () => {
    const encoded = encodeTlv([{ tag: '01', value: '😀a' }]);
    expect(encoded).toBe('0102😀a');
    expect(parseTlv(encoded)).toEqual([{ tag: '01', value: '😀a' }]);
  });

  it('rejects values outside 1..99 characters when encoding', () => {
    expect(() => encodeTlv([{ tag: '01', value: '' }])).toThrow(QrisFormatError);
    expect(() => encodeTlv([{ tag: '01', value: 'x'.repeat(100) }])).toThrow(QrisFormatError);
    expect(encodeTlv([{ tag: '01', value: 'x'.repeat(99) }])).toHaveLength(103);
  });

  it.each([
    ['truncated value', '0005AB'],
    ['truncated header', '0002010'],
    ['non-numeric length', '00A201'],
    ['non-numeric tag', 'X00201'],
    ['zero length', '0000'],
  ])('rejects %s', (_name, input) => {
    expect(() => parseTlv(input)).toThrow(QrisFormatError);
  });

  it('exposes a readable reason', () => {
    const err = catchError(() => parseTlv('0005AB'));
    expect(err).toBeInstanceOf(QrisFormatError);
    expect((err as QrisFormatError).reason).toMatch(/tag 00.*beyond end/);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
