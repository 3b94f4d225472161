import { mdrFee, percentToBasisPoints } from './mdr';

const settings = { regularBps: 70, umiBps: 30, umiFreeUpTo: 500_000 };

describe('MDR', () => {
  it('reads percentages as exact basis points', () => {
    expect(percentToBasisPoints('0.7')).toBe(70);
    expect(percentToBasisPoints('0.3')).toBe(30);
    expect(percentToBasisPoints('0.25')).toBe(25);
    expect(percentToBasisPoints('2')).toBe(200);
    expect(percentToBasisPoints('100')).toBe(10_000);
    expect(() => percentToBasisPoints('0.125')).toThrow(RangeError);
    expect(() => percentToBasisPoints('101')).toThrow(RangeError);
  });

  it('charges UMI nothing up to and including Rp 500,000 and 0.3 % of the whole amount above', () => {
    expect(mdrFee(500_000, 'UMI', settings)).toBe(0);
    expect(mdrFee(500_001, 'UMI', settings)).toBe(1_500);
    expect(mdrFee(1_000_000, 'UMI', settings)).toBe(3_000);
    expect(mdrFee(10_000_000, 'UMI', settings)).toBe(30_000);
  });

  it('charges other criteria 0.7 %, rounded half-up to the rupiah', () => {
    expect(mdrFee(150_000, 'URE', settings)).toBe(1_050);
    expect(mdrFee(150, 'UKE', settings)).toBe(1); // 1.05
    expect(mdrFee(1_500, 'UME', settings)).toBe(11); // 10.5
    expect(mdrFee(1_499, 'UBE', settings)).toBe(10); // 10.493
    expect(mdrFee(1, 'URE', settings)).toBe(0);
  });
});
