/**
 * Fields that must never be written to a log line, wherever a log call puts them. Request logs carry no
 * headers or bodies at all (see LoggingModule); these guard objects passed to logger calls.
 *
 * REDACTED_PATHS are pino's `redact` paths (fast-redact): the log object's own fields and a request's
 * secret headers. One level down, any field named in NESTED_REDACTED_KEYS (`{ provider: { apiKey } }`) is
 * censored by redactNested, pino's `formatters.log`: fast-redact's `*.key` wildcards did the same for
 * ~7 µs more on every line (8-10 µs a line with them, 2.3 without; 2.2-2.4 with this pass).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-signature"]',
  'req.headers["x-callback-signature"]',
  'req.headers["x-callback-token"]',
  'req.headers.cookie',
  'authorization',
  'signature',
  'secret',
  'qr_string',
  'qrString',
  'qrisPayload',
];

export const REDACTION_CENSOR = '[redacted]';

export const NESTED_REDACTED_KEYS: ReadonlySet<string> = new Set([
  'authorization',
  'signature',
  'secret',
  'apiKey',
  'api_key',
  'qr_string',
  'qrString',
  'qrisPayload',
  'qris_payload',
]);

/**
 * The log object with NESTED_REDACTED_KEYS censored in each of its object-valued fields; those fields are
 * copied, never changed in place (they are the caller's objects). The object itself is returned when
 * nothing needs censoring, the usual case.
 */
export function redactNested(object: Record<string, unknown>): Record<string, unknown> {
  let result = object;
  for (const key in object) {
    const value = object[key];
    if (value === null || typeof value !== 'object') continue;
    let censored: Record<string, unknown> | null = null;
    for (const inner in value) {
      if (!NESTED_REDACTED_KEYS.has(inner)) continue;
      censored ??= Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
      censored[inner] = REDACTION_CENSOR;
    }
    if (censored) {
      if (result === object) result = { ...object };
      result[key] = censored;
    }
  }
  return result;
}

/** The pino options that apply all of the above (LogSinks' logger; the tests'). */
export function redactionOptions() {
  return { redact: { paths: REDACTED_PATHS, censor: REDACTION_CENSOR }, formatters: { log: redactNested } };
}
