import { crc16CcittFalse } from './crc16';
import { QrisFormatError } from './qris-format.error';
import { charLength, encodeTlv, parseTlv, TlvField } from './tlv';

export type MerchantCriteria = 'UMI' | 'UKE' | 'UME' | 'UBE' | 'URE';

export interface DynamicQrisInput {
  merchantName: string;
  merchantCity: string;
  postalCode: string;
  nmid: string;
  mcc: string;
  merchantCriteria: MerchantCriteria;
  acquirer: { globalId: string; merchantPan: string; merchantId: string };
  /** Whole rupiah, integer 1..99,999,999,999. */
  amount: number;
  referenceLabel: string;
  billNumber?: string;
  terminalLabel?: string;
}

export interface ParsedQris {
  payloadFormat: string;
  initiation: 'static' | 'dynamic';
  amount: string | null;
  /** Exact whole rupiah when the amount has no non-zero decimals, else null. */
  amountRupiah: number | null;
  currency: string;
  countryCode: string;
  merchantName: string;
  merchantCity: string;
  postalCode: string | null;
  mcc: string;
  nmid: string | null;
  merchantCriteria: string | null;
  acquirers: Array<{
    tag: string;
    globalId: string;
    merchantPan?: string;
    merchantId?: string;
    criteria?: string;
  }>;
  billNumber: string | null;
  referenceLabel: string | null;
  terminalLabel: string | null;
  crc: string;
  fields: TlvField[];
}

const MAX_PAYLOAD_CHARS = 512;
const MAX_AMOUNT = 99_999_999_999;
const CRC_HEADER = '6304';
const QRIS_CENTRAL_ID = 'ID.CO.QRIS.WWW';
const CRITERIA: readonly string[] = ['UMI', 'UKE', 'UME', 'UBE', 'URE'];
const MANDATORY_TAGS = ['00', '01', '52', '53', '58', '59', '60', '63'];
const AMOUNT_PATTERN = /^\d+(\.\d*)?$/;
const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

/** A payment's part of a dynamic QRIS: its amount (tag 54) and its reference fields (tag 62). */
export type DynamicQrisPayment = Pick<DynamicQrisInput, 'amount' | 'referenceLabel' | 'billNumber' | 'terminalLabel'>;

export function buildDynamicQris(input: DynamicQrisInput): string {
  return dynamicQrisBuilder(input)(input);
}

/**
 * buildDynamicQris for one merchant and many payments: the merchant's fields are checked and encoded once,
 * and each payment costs only its own fields and the CRC (the mock's QR for a create: 12-14 µs when the
 * merchant's part was built each time, 3-3.5 µs so).
 */
export function dynamicQrisBuilder(merchant: Omit<DynamicQrisInput, keyof DynamicQrisPayment>): (payment: DynamicQrisPayment) => string {
  const criteria = requireCriteria(merchant.merchantCriteria);
  const { globalId, merchantPan, merchantId } = merchant.acquirer;
  // Tags in order: these, then 54 (the amount), then the tail, then 62 and the CRC.
  const head = encodeTlv([
    { tag: '00', value: '01' },
    { tag: '01', value: '12' },
    {
      tag: '26',
      value: encodeTlv([
        { tag: '00', value: requireText('acquirer.globalId', globalId, 32) },
        { tag: '01', value: requireText('acquirer.merchantPan', merchantPan, 19, /^\d+$/) },
        { tag: '02', value: requireText('acquirer.merchantId', merchantId, 15) },
        { tag: '03', value: criteria },
      ]),
    },
    {
      tag: '51',
      value: encodeTlv([
        { tag: '00', value: QRIS_CENTRAL_ID },
        { tag: '02', value: requireText('nmid', merchant.nmid, 15) },
        { tag: '03', value: criteria },
      ]),
    },
    { tag: '52', value: requireText('mcc', merchant.mcc, 4, /^\d{4}$/) },
    { tag: '53', value: '360' },
  ]);
  const tail = encodeTlv([
    { tag: '58', value: 'ID' },
    { tag: '59', value: sanitizeText('merchantName', merchant.merchantName, 25) },
    { tag: '60', value: sanitizeText('merchantCity', merchant.merchantCity, 15) },
    { tag: '61', value: requireText('postalCode', merchant.postalCode, 10) },
  ]);
  return (payment) => {
    const additional: TlvField[] = [];
    if (payment.billNumber !== undefined) {
      additional.push({ tag: '01', value: requireText('billNumber', payment.billNumber, 25) });
    }
    additional.push({ tag: '05', value: requireText('referenceLabel', payment.referenceLabel, 25) });
    if (payment.terminalLabel !== undefined) {
      additional.push({ tag: '07', value: requireText('terminalLabel', payment.terminalLabel, 25) });
    }
    const amount = encodeTlv([{ tag: '54', value: formatAmount(payment.amount) }]);
    return withCrc(head + amount + tail + encodeTlv([{ tag: '62', value: encodeTlv(additional) }]));
  };
}

export function parseQris(payload: string): ParsedQris {
  if (charLength(payload) > MAX_PAYLOAD_CHARS) {
    throw new QrisFormatError(`payload longer than ${MAX_PAYLOAD_CHARS} characters`);
  }
  const fields = parseTlv(payload);
  if (fields[0]?.tag !== '00' || fields[0].value !== '01') {
    throw new QrisFormatError("tag 00 must come first with value '01'");
  }
  const crcField = fields[fields.length - 1];
  if (crcField.tag !== '63' || !/^[0-9A-Fa-f]{4}$/.test(crcField.value)) {
    throw new QrisFormatError('tag 63 must come last with 4 hex digits');
  }
  // The CRC covers everything before its 4 hex digits, including the literal '6304'.
  const expectedCrc = crc16CcittFalse(payload.slice(0, -4));
  if (crcField.value.toUpperCase() !== expectedCrc) {
    throw new QrisFormatError(`CRC mismatch: payload has ${crcField.value}, computed ${expectedCrc}`);
  }

  const byTag = new Map<string, string>();
  for (const { tag, value } of fields) {
    if (byTag.has(tag)) throw new QrisFormatError(`root tag ${tag} appears more than once`);
    byTag.set(tag, value);
  }
  const missing = MANDATORY_TAGS.filter((tag) => !byTag.has(tag));
  if (missing.length) throw new QrisFormatError(`missing mandatory tag(s) ${missing.join(', ')}`);

  const get = (tag: string): string => byTag.get(tag) as string;
  const initiation = get('01') === '11' ? 'static' : get('01') === '12' ? 'dynamic' : null;
  if (!initiation) throw new QrisFormatError("tag 01 must be '11' (static) or '12' (dynamic)");
  if (!/^\d{4}$/.test(get('52'))) throw new QrisFormatError('tag 52 (MCC) must be 4 digits');
  if (get('53') !== '360') throw new QrisFormatError("tag 53 (currency) must be '360'");
  if (get('58') !== 'ID') throw new QrisFormatError("tag 58 (country) must be 'ID'");

  const amount = byTag.get('54') ?? null;
  if (amount !== null) validateAmount(amount);
  if (initiation === 'dynamic' && amount === null) {
    throw new QrisFormatError('dynamic QRIS must carry an amount (tag 54)');
  }
  validateTip(byTag);

  const templates = fields
    .filter(({ tag }) => Number(tag) >= 26 && Number(tag) <= 51)
    .map(({ tag, value }) => ({ tag, sub: subFields(tag, value) }));
  if (!templates.length) {
    throw new QrisFormatError('no merchant account information template (tags 26-51)');
  }
  const central = templates.find((t) => t.sub.get('00') === QRIS_CENTRAL_ID);
  const acquirers = templates
    .filter((t) => t !== central)
    .map(({ tag, sub }) => ({
      tag,
      globalId: sub.get('00') ?? '',
      merchantPan: sub.get('01'),
      merchantId: sub.get('02'),
      criteria: sub.get('03'),
    }));
  const additional = byTag.has('62') ? subFields('62', get('62')) : new Map<string, string>();
  if (byTag.has('64')) subFields('64', get('64'));

  return {
    payloadFormat: get('00'),
    initiation,
    amount,
    amountRupiah: amount === null ? null : wholeRupiah(amount),
    currency: get('53'),
    countryCode: get('58'),
    merchantName: get('59'),
    merchantCity: get('60'),
    postalCode: byTag.get('61') ?? null,
    mcc: get('52'),
    nmid: central?.sub.get('02') ?? null,
    merchantCriteria: central?.sub.get('03') ?? acquirers[0]?.criteria ?? null,
    acquirers,
    billNumber: additional.get('01') ?? null,
    referenceLabel: additional.get('05') ?? null,
    terminalLabel: additional.get('07') ?? null,
    crc: crcField.value,
    fields,
  };
}

/** Turns a merchant's printed static QRIS into a dynamic one for a given amount. */
export function staticToDynamic(payload: string, amount: number): string {
  const amountValue = formatAmount(amount);
  const fields = parseQris(payload)
    .fields.filter(({ tag }) => !['54', '55', '56', '57', '63'].includes(tag))
    .map((field) => (field.tag === '01' ? { tag: '01', value: '12' } : field));
  fields.splice(
    fields.findIndex(({ tag }) => tag === '58'),
    0,
    { tag: '54', value: amountValue },
  );
  return withCrc(encodeTlv(fields));
}

/** The encoded fields, then tag 63: the CRC of everything before its value, '6304' included. */
function withCrc(fields: string): string {
  const body = fields + CRC_HEADER;
  const payload = body + crc16CcittFalse(body);
  if (charLength(payload) > MAX_PAYLOAD_CHARS) {
    throw new QrisFormatError(`payload longer than ${MAX_PAYLOAD_CHARS} characters`);
  }
  return payload;
}

function formatAmount(amount: number): string {
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > MAX_AMOUNT) {
    throw new QrisFormatError(`amount must be a whole number of rupiah 1..${MAX_AMOUNT}`);
  }
  return String(amount);
}

function validateAmount(amount: string): void {
  if (amount.length > 13 || !AMOUNT_PATTERN.test(amount)) {
    throw new QrisFormatError(`tag 54 amount '${amount}' is not digits with optional '.' decimals`);
  }
  if (!/[1-9]/.test(amount)) throw new QrisFormatError('tag 54 amount must not be zero');
}

function wholeRupiah(amount: string): number | null {
  const match = /^(\d+)(\.0*)?$/.exec(amount);
  if (!match) return null;
  const rupiah = Number(match[1]);
  return Number.isSafeInteger(rupiah) ? rupiah : null;
}

function validateTip(byTag: Map<string, string>): void {
  const indicator = byTag.get('55');
  if (indicator === undefined) return;
  if (!['01', '02', '03'].includes(indicator)) {
    throw new QrisFormatError(`tag 55 tip indicator '${indicator}' must be 01, 02 or 03`);
  }
  if (indicator === '02' && !byTag.has('56')) throw new QrisFormatError('tag 55=02 requires tag 56');
  if (indicator === '03' && !byTag.has('57')) throw new QrisFormatError('tag 55=03 requires tag 57');
}

function subFields(tag: string, value: string): Map<string, string> {
  const sub = new Map<string, string>();
  try {
    for (const field of parseTlv(value)) {
      if (sub.has(field.tag)) throw new QrisFormatError(`sub-tag ${field.tag} appears twice`);
      sub.set(field.tag, field.value);
    }
  } catch (err) {
    if (err instanceof QrisFormatError) throw new QrisFormatError(`tag ${tag}: ${err.reason}`);
    throw err;
  }
  return sub;
}

function requireCriteria(criteria: string): string {
  if (!CRITERIA.includes(criteria)) {
    throw new QrisFormatError(`merchantCriteria must be one of ${CRITERIA.join(', ')}`);
  }
  return criteria;
}

/** Identifiers are never truncated or rewritten: a silently changed reference would break matching. */
function requireText(name: string, value: string, max: number, pattern = PRINTABLE_ASCII): string {
  if (value.length < 1 || value.length > max || !pattern.test(value)) {
    throw new QrisFormatError(`${name} must be 1..${max} characters matching ${pattern}`);
  }
  return value;
}

/** Display text (from config) is folded to printable ASCII so every wallet renders it, then truncated. */
function sanitizeText(name: string, value: string, max: number): string {
  const ascii = value
    .normalize('NFKD')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7E]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  const text = ascii.slice(0, max).trimEnd();
  if (!text) throw new QrisFormatError(`${name} is empty after sanitizing`);
  return text;
}
