import { canonicalJson, requestFingerprint } from './fingerprint';

describe('request fingerprint', () => {
  it('ignores key order at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(requestFingerprint('post', '/payments', { amount: 1, order_id: 'A' })).toBe(
      requestFingerprint('POST', '/payments', { order_id: 'A', amount: 1 }),
    );
  });

  it('differs for another body, route or method', () => {
    const base = requestFingerprint('POST', '/payments', { order_id: 'A', amount: 1 });
    expect(requestFingerprint('POST', '/payments', { order_id: 'A', amount: 2 })).not.toBe(base);
    expect(requestFingerprint('POST', '/other', { order_id: 'A', amount: 1 })).not.toBe(base);
    expect(requestFingerprint('PUT', '/payments', { order_id: 'A', amount: 1 })).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('treats an absent field and an undefined one alike, but not null', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ a: 1, b: null })).not.toBe(canonicalJson({ a: 1 }));
  });
});
