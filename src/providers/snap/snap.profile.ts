import { CreateQrRequest } from '../qris-provider';

/** What a SNAP adapter needs to know about the merchant's account (env SNAP_*, PROVIDER_API_KEY). */
export interface SnapAccount {
  clientId: string;
  /** PROVIDER_API_KEY: the HMAC key of transaction signatures. */
  clientSecret: string;
  merchantId: string;
  terminalId: string;
  /** X-PARTNER-ID; the profile's default when unset. */
  partnerId?: string;
  /** CHANNEL-ID; the profile's default when unset. */
  channelId?: string;
  merchantName: string;
  /** NICEPAY dbProcessUrl: where the provider sends notifications (our POST /webhooks/qris). */
  notifyUrl?: string;
  /** NICEPAY mitraCd (the QRIS acquirer, e.g. QSHP). */
  mitraCd?: string;
}

/**
 * The per-provider differences on top of BI SNAP (providers.md §5). Paths are relative to the base URL
 * and are also the `relativePath` both providers put in the string to sign (*unverified* against the
 * sandboxes: DOKU's samples sign `/snap-adapter/b2b/v1.0/…` on host-only base URLs, NICEPAY's sign
 * `/api/v1.0/…` under a base URL ending in `/nicepay`). PROVIDER_BASE_URL replaces the base URL only, so
 * for NICEPAY it must include `/nicepay`.
 */
export interface SnapProfile {
  name: 'doku' | 'nicepay';
  sandboxBaseUrl: string;
  productionBaseUrl: string;
  tokenPath: string;
  generatePath: string;
  queryPath: string;
  notifyScheme: 'hmac' | 'rsa-client-id';
  /** The notification signature does not cover the body: the status API decides. */
  confirmsByStatusQuery: boolean;
  partnerId(account: SnapAccount): string;
  channelId(account: SnapAccount): string;
  /** Provider-specific fields merged into the generate body (terminalId vs storeId, additionalInfo). */
  generateExtras(account: SnapAccount, request: CreateQrRequest): Record<string, unknown>;
}

export const DOKU_PROFILE: SnapProfile = {
  name: 'doku',
  sandboxBaseUrl: 'https://api-sandbox.doku.com',
  productionBaseUrl: 'https://api.doku.com',
  tokenPath: '/authorization/v1/access-token/b2b',
  generatePath: '/snap-adapter/b2b/v1.0/qr/qr-mpm-generate',
  queryPath: '/snap-adapter/b2b/v1.0/qr/qr-mpm-query',
  notifyScheme: 'hmac',
  confirmsByStatusQuery: false,
  // DOKU: X-PARTNER-ID is the client id; CHANNEL-ID "H2H" (*unverified*, override with SNAP_CHANNEL_ID).
  partnerId: (account) => account.partnerId ?? account.clientId,
  channelId: (account) => account.channelId ?? 'H2H',
  generateExtras: (account) => ({ terminalId: account.terminalId }),
};

export const NICEPAY_PROFILE: SnapProfile = {
  name: 'nicepay',
  sandboxBaseUrl: 'https://dev.nicepay.co.id/nicepay',
  productionBaseUrl: 'https://www.nicepay.co.id/nicepay',
  tokenPath: '/v1.0/access-token/b2b',
  generatePath: '/api/v1.0/qr/qr-mpm-generate',
  queryPath: '/api/v1.0/qr/qr-mpm-query',
  notifyScheme: 'rsa-client-id',
  confirmsByStatusQuery: true,
  // NICEPAY: X-PARTNER-ID is the iMid (the merchant id), CHANNEL-ID is the client id + "01".
  partnerId: (account) => account.partnerId ?? account.merchantId,
  channelId: (account) => account.channelId ?? `${account.clientId}01`,
  generateExtras: (account, request) => ({
    storeId: account.terminalId,
    additionalInfo: {
      goodsNm: `Order ${request.orderId}`.slice(0, 100),
      billingNm: account.merchantName,
      dbProcessUrl: account.notifyUrl ?? '',
      callBackUrl: account.notifyUrl ?? '',
      mitraCd: account.mitraCd ?? 'QSHP',
    },
  }),
};

export function snapProfile(name: string): SnapProfile {
  if (name === 'doku') return DOKU_PROFILE;
  if (name === 'nicepay') return NICEPAY_PROFILE;
  throw new Error(`no SNAP profile named ${name}`);
}
