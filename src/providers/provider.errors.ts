/**
 * What went wrong talking to a provider. `indeterminate` means the request may have taken effect (a
 * timeout or 5xx after sending): the payment stays as it was and is checked later, never failed on a guess.
 */
export type ProviderErrorKind = 'rejected' | 'invalid_request' | 'auth' | 'unavailable' | 'indeterminate';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export type WebhookRejection = 'signature' | 'timestamp' | 'malformed';

/** A notification that must not be acted upon: 401 for signature/timestamp, 400 for a malformed body. */
export class WebhookRejectedError extends Error {
  constructor(
    readonly reason: WebhookRejection,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookRejectedError';
  }
}
