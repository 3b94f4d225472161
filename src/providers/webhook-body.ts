import { WebhookRejectedError } from './provider.errors';

/** A notification body as a JSON object, or a 'malformed' rejection; shared by every adapter. */
export function parseJsonObjectBody(rawBody: Buffer): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookRejectedError('malformed', 'body is not valid JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new WebhookRejectedError('malformed', 'body must be a JSON object');
  return body as Record<string, unknown>;
}
