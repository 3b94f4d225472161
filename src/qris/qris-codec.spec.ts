import { crc16CcittFalse } from './crc16';
import { buildDynamicQris, DynamicQrisInput, dynamicQrisBuilder, parseQris, staticToDynamic } from './qris-codec';
import { QrisFormatError } from './qris-format.error';
import { encodeTlv, parseTlv, TlvField } from './tlv';

// providers.md §1 vectors.
const SAMPLE =
  '00020101021226690016ID.CO.CONTOH.WWW011993600999123456789010215CTH0000000123450303UMI51440014ID.CO.QRIS.WWW0215ID10200000000010303UMI5204581253033605405250005802ID5911TOKO CONTOH6007JAKARTA61051011062430114INV202405210010510ORD-8F3K2Q0707KASIR0163040D89';
const STATIC_TWIN =
  '00020101021126690016ID.CO.CONTOH.WWW011993600999123456789010215CTH0000000123450303UMI51440014ID.CO.QRIS.WWW0215ID10200000000010303UMI5204581253033605802ID5911TOKO CONTOH6007JAKARTA61051011062430114INV202405210010510ORD-8F3K2Q0707KASIR0163043FD8';

const SAMPLE_INPUT: DynamicQrisInput = {
  merchantName: 'TOKO CONTOH',
  merchantCity: 'JAKARTA',
  postalCode: '10110',
  nmid: 'ID1020000000001',
  mcc: '5812',
  merchantCriteria: 'UMI',
  acquirer: {
    globalId: 'ID.CO.CONTOH.WWW',
    merchantPan: '9360099912345678901',
    merchantId: 'CTH000000012345',
  },
  amount: 25000,
  billNumber: 'INV20240521001',
  referenceLabel: 'ORD-8F3K2Q',
  terminalLabel: 'KASIR01',
};

/** Re-assembles root fields with a correct CRC, so each negative case fails for its own reason. */
function withCrc(fields: TlvField[]): string {
  const body = encodeTlv(fields.filter(({ tag }) => tag !== '63')) + '6304';
  return body + crc16CcittFalse(body);
}

function sampleWith(edit: (fields: TlvField[]) => TlvField[]): string {
  return withCrc(edit(parseTlv(SAMPLE)));
}

function setTag(tag: string, value: string) {
  return (fields: TlvField[]) => fields.map((f) => (f.tag === tag ? { tag, value } : f));
}

/** The common bug: CRC over UTF-16 code units instead of UTF-8 bytes. */
function naiveCrc(input: string): string {
  let crc = 0xffff;
  for (let i = 0; i < input.length; i++) {
    crc ^= input.charCodeAt(i) << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

describe('parseQris', () => {
  it('parses the sample dynamic payload', () => {
    const parsed = parseQris(SAMPLE);
    expect(parsed).toMatchObject({
      payloadFormat: '01',
      initiation: 'dynamic',
      amount: '25000',
      amountRupiah: 25000,
      currency: '360',
      countryCode: 'ID',
      merchantName: 'TOKO CONTOH',
      merchantCity: 'JAKARTA',
      postalCode: '10110',
      mcc: '5812',
      nmid: 'ID1020000000001',
      merchantCriteria: 'UMI',
      billNumber: 'INV20240521001',
      referenceLabel: 'ORD-8F3K2Q',
      terminalLabel: 'KASIR01',
      crc: '0D89',
    });
    expect(parsed.acquirers).toEqual([
      {
        tag: '26',
        globalId: 'ID.CO.CONTOH.WWW',
        merchantPan: '9360099912345678901',
        merchantId: 'CTH000000012345',
        criteria: 'UMI',
      },
    ]);
    expect(crc16CcittFalse(SAMPLE.slice(0, -4))).toBe('0D89');
  });

  it('parses the static twin', () => {
    expect(STATIC_TWIN.endsWith('63043FD8')).toBe(true);
    expect(parseQris(STATIC_TWIN)).toMatchObject({
      initiation: 'static',
      amount: null,
      amountRupiah: null,
    });
  });

  it.each([
    ['1000', 1000],
    ['1000.', 1000],
    ['1000.00', 1000],
    ['1000.50', null],
  ])('accepts amount %s (whole rupiah %s)', (amount, rupiah) => {
    const parsed = parseQris(sampleWith(setTag('54', amount)));
    expect(parsed.amount).toBe(amount);
    expect(parsed.amountRupiah).toBe(rupiah);
  });

  it('validates a tag 64 template with Chinese text, CRC over UTF-8 bytes', () => {
    const payload = sampleWith((fields) => [
      ...fields,
      {
        tag: '64',
        value: encodeTlv([
          { tag: '00', value: 'ZH' },
          { tag: '01', value: '最佳运输' },
          { tag: '02', value: '北京' },
        ]),
      },
    ]);
    expect(payload).toContain('64200002ZH0104最佳运输0202北京6304');
    const body = payload.slice(0, -4);
    expect(parseQris(payload).crc).toBe(crc16CcittFalse(body));
    expect(naiveCrc(body)).not.toBe(crc16CcittFalse(body));
    // A payload signed with the naive CRC must be rejected.
    expect(() => parseQris(body + naiveCrc(body))).toThrow(/CRC mismatch/);
  });

  it('reproduces the EMVCo sample values (bytes A13A, charCodeAt C919)', () => {
    const emvco =
      '00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304';
    expect(crc16CcittFalse(emvco)).toBe('A13A');
    expect(naiveCrc(emvco)).toBe('C919');
  });

  it.each<[string, string, RegExp]>([
    ['wrong CRC', SAMPLE.slice(0, -4) + '0D88', /CRC mismatch/],
    ['missing tag 58', sampleWith((f) => f.filter(({ tag }) => tag !== '58')), /missing.*58/],
    [
      'duplicated root tag',
      sampleWith((f) => [...f, { tag: '59', value: 'LAIN' }]),
      /tag 59 appears more than once/,
    ],
    ['tag 53 not 360', sampleWith(setTag('53', '840')), /tag 53/],
    ['tag 58 not ID', sampleWith(setTag('58', 'SG')), /tag 58/],
    ['amount 0', sampleWith(setTag('54', '0')), /must not be zero/],
    ['amount 0.00', sampleWith(setTag('54', '0.00')), /must not be zero/],
    ['amount 1,000', sampleWith(setTag('54', '1,000')), /not digits/],
    ['amount -1', sampleWith(setTag('54', '-1')), /not digits/],
    ['length overflow', SAMPLE.replace('5911TOKO', '5999TOKO'), /beyond end/],
    ['truncated TLV', SAMPLE.slice(0, 120), /beyond end|truncated/],
    ['CRC not last', SAMPLE + '9902AB', /tag 63 must come last/],
    ['tag 00 not first', sampleWith((f) => [f[1], f[0], ...f.slice(2)]), /tag 00/],
    ['bad initiation', sampleWith(setTag('01', '13')), /tag 01/],
    ['dynamic without amount', sampleWith((f) => f.filter(({ tag }) => tag !== '54')), /tag 54/],
    [
      'no merchant account template',
      sampleWith((f) => f.filter(({ tag }) => tag !== '26' && tag !== '51')),
      /template/,
    ],
    ['malformed template', sampleWith(setTag('26', '0099X')), /tag 26/],
    ['tip indicator without fee', sampleWith((f) => [...f, { tag: '55', value: '02' }]), /56/],
  ])('rejects %s', (_name, payload, reason) => {
    expect(() => parseQris(payload)).toThrow(QrisFormatError);
    expect(() => parseQris(payload)).toThrow(reason);
  });

  it('rejects payloads over 512 characters', () => {
    const padding = ['80', '81', '82', '83'].map((tag) => ({ tag, value: 'x'.repeat(90) }));
    const payload = sampleWith((f) => [...f, ...padding]);
    expect(payload.length).toBeGreaterThan(512);
    expect(() => parseQris(payload)).toThrow(/longer than 512/);
  });
});

describe('buildDynamicQris', () => {
  it('reproduces the sample payload byte for byte', () => {
    expect(buildDynamicQris(SAMPLE_INPUT)).toBe(SAMPLE);
  });

  it('round-trips through parseQris', () => {
    const payload = buildDynamicQris({
      ...SAMPLE_INPUT,
      amount: 1_234_567,
      referenceLabel: 'PAY-0001',
      billNumber: undefined,
      terminalLabel: undefined,
    });
    expect(parseQris(payload)).toMatchObject({
      initiation: 'dynamic',
      amount: '1234567',
      amountRupiah: 1_234_567,
      referenceLabel: 'PAY-0001',
      billNumber: null,
      terminalLabel: null,
      merchantName: 'TOKO CONTOH',
      merchantCity: 'JAKARTA',
      nmid: 'ID1020000000001',
    });
  });

  it('folds display text to ASCII and truncates name (25) and city (15)', () => {
    const parsed = parseQris(
      buildDynamicQris({
        ...SAMPLE_INPUT,
        merchantName: '  Café Ñusantara\tBerkah Jaya Abadi Sentosa ',
        merchantCity: 'Kota Tangerang Selatan',
      }),
    );
    expect(parsed.merchantName).toBe('Cafe Nusantara Berkah Jay');
    expect(parsed.merchantCity).toBe('Kota Tangerang');
  });

  it.each([0, -5, 1.5, NaN, 100_000_000_000])('rejects amount %s', (amount) => {
    expect(() => buildDynamicQris({ ...SAMPLE_INPUT, amount })).toThrow(/amount/);
  });

  it('never truncates the reference label', () => {
    expect(() => buildDynamicQris({ ...SAMPLE_INPUT, referenceLabel: 'R'.repeat(26) })).toThrow(
      /referenceLabel/,
    );
    expect(() => buildDynamicQris({ ...SAMPLE_INPUT, referenceLabel: '' })).toThrow(/referenceLabel/);
  });

  it('rejects invalid config values', () => {
    const criteria = 'XYZ' as DynamicQrisInput['merchantCriteria'];
    expect(() => buildDynamicQris({ ...SAMPLE_INPUT, merchantCriteria: criteria })).toThrow(
      /merchantCriteria/,
    );
    expect(() => buildDynamicQris({ ...SAMPLE_INPUT, mcc: '58A2' })).toThrow(/mcc/);
    expect(() => buildDynamicQris({ ...SAMPLE_INPUT, merchantName: '北京' })).toThrow(
      /merchantName/,
    );
  });
});

describe('dynamicQrisBuilder', () => {
  const { amount, referenceLabel, billNumber, terminalLabel, ...merchant } = SAMPLE_INPUT;

  it('builds what buildDynamicQris builds, payment after payment, from one merchant encoding', () => {
    const build = dynamicQrisBuilder(merchant);
    expect(build({ amount, referenceLabel, billNumber, terminalLabel })).toBe(SAMPLE);
    const other = build({ amount: 1_234_567, referenceLabel: 'PAY-0002' });
    expect(parseQris(other)).toMatchObject({ amountRupiah: 1_234_567, referenceLabel: 'PAY-0002', billNumber: null, terminalLabel: null });
    expect(build({ amount, referenceLabel, billNumber, terminalLabel })).toBe(SAMPLE);
  });

  it("checks the merchant's fields when made, and each payment's when building", () => {
    expect(() => dynamicQrisBuilder({ ...merchant, mcc: '58A2' })).toThrow(/mcc/);
    const build = dynamicQrisBuilder(merchant);
    expect(() => build({ amount: 0, referenceLabel })).toThrow(/amount/);
    expect(() => build({ amount, referenceLabel: 'R'.repeat(26) })).toThrow(/referenceLabel/);
  });
});

describe('staticToDynamic', () => {
  it('turns the static twin into the sample dynamic payload', () => {
    expect(staticToDynamic(STATIC_TWIN, 25000)).toBe(SAMPLE);
  });

  it('replaces an existing amount and tip fields', () => {
    const withTip = withCrc(
      parseTlv(STATIC_TWIN).flatMap((f) =>
        f.tag === '58'
          ? [{ tag: '54', value: '999' }, { tag: '55', value: '02' }, { tag: '56', value: '500' }, f]
          : [f],
      ),
    );
    expect(staticToDynamic(withTip, 25000)).toBe(SAMPLE);
  });

  it('rejects an invalid amount or payload', () => {
    expect(() => staticToDynamic(STATIC_TWIN, 0)).toThrow(QrisFormatError);
    expect(() => staticToDynamic(STATIC_TWIN.slice(0, -1) + '0', 25000)).toThrow(/CRC/);
  });
});
