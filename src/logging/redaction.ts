/**
 * Fields that must never be written to a log line, wherever a log call puts them. Request logs carry no
 * headers or bodies at all (see LoggingModule); this list guards objects passed to logger calls.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-signature"]',
  'req.headers["x-callback-signature"]',
  'req.headers["x-callback-token"]',
  'req.headers.cookie',
  '*.authorization',
  '*.signature',
  '*.secret',
  '*.apiKey',
  '*.api_key',
  '*.qr_string',
  '*.qrString',
  '*.qrisPayload',
  '*.qris_payload',
  'authorization',
  'signature',
  'secret',
  'qr_string',
  'qrString',
  'qrisPayload',
];
