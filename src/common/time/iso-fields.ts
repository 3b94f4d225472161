/**
 * 'YYYY-MM-DD' + separator + 'HH:MM:SS.sss' of an instant in UTC: Date#toISOString's fields without its
 * 'Z'. Built from the UTC getters: toISOString goes through V8's generic, printf-style date formatter,
 * which showed up at 3-4 % of a create's CPU (SQLite's stored datetimes). Years outside 1000-9999 (and
 * invalid dates, with toISOString's RangeError) take toISOString itself. V8 keeps the result as a chain of
 * concatenated pieces until something flattens it (binding it to a statement does): fine for a value handed
 * to the driver at once, not for strings that pile up (see toJakartaIso).
 */
export function isoFields(date: Date, separator: 'T' | ' '): string {
  const year = date.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) {
    const iso = date.toISOString();
    // YYYY-MM-DDTHH:MM:SS.SSSZ for years 0000-9999; extended years (±YYYYYY) are left as they are.
    return iso.length === 24 ? `${iso.slice(0, 10)}${separator}${iso.slice(11, 23)}` : iso;
  }
  const ms = date.getUTCMilliseconds();
  return (
    `${year}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}${separator}` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}`
  );
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}
