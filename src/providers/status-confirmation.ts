import { QrisProvider } from './qris-provider';

/**
 * A provider whose notification signature does not cover the body (NICEPAY signs only
 * `clientId|timestamp`) sets `confirmsByStatusQuery`: the webhook processor then applies what the status
 * API says, not what the notification claims. Kept beside the port, not in it, as an opt-in capability.
 */
export interface ConfirmsByStatusQuery {
  readonly confirmsByStatusQuery?: boolean;
}

export function confirmsByStatusQuery(provider: QrisProvider): boolean {
  return (provider as QrisProvider & ConfirmsByStatusQuery).confirmsByStatusQuery === true && typeof provider.queryStatus === 'function';
}
