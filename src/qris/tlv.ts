import { QrisFormatError } from './qris-format.error';

export interface TlvField {
  tag: string;
  value: string;
}

/** EMV lengths count characters; we count Unicode code points on both sides so they agree. */
export function charLength(s: string): number {
  // Only astral characters (surrogate pairs) make the two counts differ; most payloads have none.
  if (!/[\uD800-\uDBFF]/.test(s)) return s.length;
  return Array.from(s).length;
}

export function parseTlv(s: string): TlvField[] {
  const chars = Array.from(s);
  const fields: TlvField[] = [];
  let i = 0;
  while (i < chars.length) {
    if (i + 4 > chars.length) throw new QrisFormatError(`truncated TLV header at position ${i}`);
    const tag = chars.slice(i, i + 2).join('');
    const lengthText = chars.slice(i + 2, i + 4).join('');
    if (!/^\d{2}$/.test(tag)) throw new QrisFormatError(`invalid tag '${tag}' at position ${i}`);
    if (!/^\d{2}$/.test(lengthText)) {
      throw new QrisFormatError(`invalid length '${lengthText}' for tag ${tag}`);
    }
    const length = Number(lengthText);
    if (length === 0) throw new QrisFormatError(`zero length for tag ${tag}`);
    if (i + 4 + length > chars.length) {
      throw new QrisFormatError(`tag ${tag} declares length ${length} beyond end of data`);
    }
    fields.push({ tag, value: chars.slice(i + 4, i + 4 + length).join('') });
    i += 4 + length;
  }
  return fields;
}

export function encodeTlv(fields: TlvField[]): string {
  return fields
    .map(({ tag, value }) => {
      if (!/^\d{2}$/.test(tag)) throw new QrisFormatError(`invalid tag '${tag}'`);
      const length = charLength(value);
      if (length < 1 || length > 99) {
        throw new QrisFormatError(`tag ${tag} value length ${length} outside 1..99`);
      }
      return tag + String(length).padStart(2, '0') + value;
    })
    .join('');
}
