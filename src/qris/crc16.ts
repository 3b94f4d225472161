/** CRC of every byte value, so the loop below does one lookup per byte instead of eight shifts. */
const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no xorout) as required by QRIS tag 63.
 * Computed over UTF-8 bytes: looping over charCodeAt gives wrong values for non-ASCII text (tag 64).
 */
export function crc16CcittFalse(input: string): string {
  const bytes = Buffer.from(input, 'utf8');
  let crc = 0xffff;
  for (let i = 0; i < bytes.length; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[(crc >> 8) ^ bytes[i]];
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
