import { hmacSha256Hex, safeEqual, verifyHmacSha256Hex } from './hmac';

describe('hmac', () => {
  const secret = 'whsec_test';
  const body = Buffer.from('{"trx_id":"T1","amount":150000}');

  it('matches the RFC 4231 test case 2 vector', () => {
    expect(hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('signs Buffer and string of the same bytes identically', () => {
    expect(hmacSha256Hex(secret, body)).toBe(hmacSha256Hex(secret, body.toString('utf8')));
  });

  it('accepts the right signature, upper or lower case', () => {
    const sig = hmacSha256Hex(secret, body);
    expect(verifyHmacSha256Hex(secret, body, sig)).toBe(true);
    expect(verifyHmacSha256Hex(secret, body, sig.toUpperCase())).toBe(true);
  });

  it('rejects a tampered body, a wrong secret, a missing or truncated signature', () => {
    const sig = hmacSha256Hex(secret, body);
    expect(verifyHmacSha256Hex(secret, Buffer.from(body.toString().replace('150000', '150001')), sig)).toBe(false);
    expect(verifyHmacSha256Hex('other', body, sig)).toBe(false);
    expect(verifyHmacSha256Hex(secret, body, undefined)).toBe(false);
    expect(verifyHmacSha256Hex(secret, body, '')).toBe(false);
    expect(verifyHmacSha256Hex(secret, body, sig.slice(0, 63))).toBe(false);
  });

  it('safeEqual handles length mismatch without throwing', () => {
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('abcd', 'abcd')).toBe(true);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('é', 'e')).toBe(false);
  });
});
