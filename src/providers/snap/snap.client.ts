import { KeyObject, randomInt } from 'node:crypto';
import { ProviderLogger, sendProviderRequest, silentProviderLogger } from '../http/provider-http';
import { ProviderError } from '../provider.errors';
import { parseResponseCode } from './snap.mapping';
import { SnapAccount, SnapProfile } from './snap.profile';
import { snapTimestamp, tokenSignature, transactionSignature } from './snap-signature';

export interface SnapClientOptions {
  profile: SnapProfile;
  account: SnapAccount;
  baseUrl: string;
  /** Our RSA private key (PEM or KeyObject) for the access-token signature. */
  privateKey: string | KeyObject;
  timeoutMs: number;
  now?: () => Date;
  /** One line per exchange (the shared transport's entry: no headers, no bodies). */
  log?: ProviderLogger;
}

/** A ProviderError that keeps the SNAP responseCode (e.g. 4045101 "transaction not found"). */
export class SnapProviderError extends ProviderError {
  constructor(
    kind: ProviderError['kind'],
    message: string,
    readonly responseCode: string | null,
  ) {
    super(kind, message);
  }
}

/** A parsed SNAP JSON answer whose responseCode says success. */
export type SnapResponse = Record<string, unknown> & { responseCode: string };

/** Refresh the token this long before the provider says it expires. */
const TOKEN_MARGIN_MS = 60_000;

/** BI SNAP over HTTP: access token (cached), signed transaction calls, responseCode → ProviderError kinds. */
export class SnapClient {
  private token: { value: string; expiresAt: number } | null = null;
  private tokenInFlight: Promise<string> | null = null;
  private readonly now: () => Date;
  private readonly log: ProviderLogger;

  constructor(private readonly options: SnapClientOptions) {
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? silentProviderLogger;
  }

  /** The access token, fetched once and reused until shortly before it expires. */
  async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - TOKEN_MARGIN_MS > this.now().getTime()) return this.token.value;
    this.tokenInFlight ??= this.fetchToken().finally(() => (this.tokenInFlight = null));
    return this.tokenInFlight;
  }

  /** Signed POST of a transaction service; retried once with a fresh token when the cached one was refused. */
  async post(path: string, body: Record<string, unknown>, expectedService: string): Promise<SnapResponse> {
    try {
      return await this.postOnce(path, body, expectedService);
    } catch (error) {
      if (!(error instanceof ProviderError) || error.kind !== 'auth' || !this.token) throw error;
      // A 401 means the call was not processed, so one retry with a new token cannot double it.
      this.token = null;
      return this.postOnce(path, body, expectedService);
    }
  }

  private async postOnce(path: string, body: Record<string, unknown>, expectedService: string): Promise<SnapResponse> {
    const { profile, account } = this.options;
    const accessToken = await this.accessToken();
    // The transport sends JSON.stringify(body): already minified, so these are the signed bytes.
    const text = JSON.stringify(body);
    const timestamp = snapTimestamp(this.now());
    const headers = {
      authorization: `Bearer ${accessToken}`,
      'x-timestamp': timestamp,
      'x-signature': transactionSignature(account.clientSecret, { method: 'POST', relativePath: path, accessToken, body: text, timestamp }),
      'x-partner-id': profile.partnerId(account),
      'x-external-id': externalId(this.now()),
      'channel-id': profile.channelId(account),
    };
    return this.exchange(path, headers, body, expectedService);
  }

  private async fetchToken(): Promise<string> {
    const { profile, account, privateKey } = this.options;
    const timestamp = snapTimestamp(this.now());
    const headers = {
      'x-client-key': account.clientId,
      'x-timestamp': timestamp,
      'x-signature': tokenSignature(privateKey, account.clientId, timestamp),
    };
    const response = await this.exchange(profile.tokenPath, headers, { grantType: 'client_credentials' }, '73');
    const value = response.accessToken;
    if (typeof value !== 'string' || value === '') throw new ProviderError('auth', `${profile.name} token response has no accessToken`);
    const seconds = Number(response.expiresIn);
    const lifetimeMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 15 * 60_000;
    this.token = { value, expiresAt: this.now().getTime() + lifetimeMs };
    return value;
  }

  /** One exchange through the shared provider transport; SNAP's responseCode decides the outcome. */
  private async exchange(path: string, headers: Record<string, string>, body: Record<string, unknown>, expectedService: string): Promise<SnapResponse> {
    const { profile, baseUrl, timeoutMs } = this.options;
    const response = await sendProviderRequest({ provider: profile.name, method: 'POST', baseUrl, path, headers, body, timeoutMs, log: this.log });
    const json = response.body && typeof response.body === 'object' && !Array.isArray(response.body) ? (response.body as Record<string, unknown>) : null;
    const responseCode = typeof json?.responseCode === 'string' ? json.responseCode : null;
    const outcome = classify(response.status, responseCode, expectedService);
    if (outcome) {
      const message = typeof json?.responseMessage === 'string' ? json.responseMessage.slice(0, 200) : `HTTP ${response.status}`;
      throw new SnapProviderError(outcome, `${profile.name} ${path}: ${responseCode ?? response.status} ${message}`, responseCode);
    }
    return json as SnapResponse;
  }
}

/**
 * HTTP status + responseCode (HTTP status, 2-digit service code, 2-digit case) → null for success or
 * the error kind. Success is a 2xx whose responseCode is `200<service>00` (e.g. 2004700).
 */
export function classify(httpStatus: number, responseCode: string | null, expectedService: string): ProviderError['kind'] | null {
  const code = parseResponseCode(responseCode);
  const status = code?.httpStatus ?? httpStatus;
  if (httpStatus >= 500 || status >= 500) return 'indeterminate';
  if (httpStatus === 401 || status === 401) return 'auth';
  if (httpStatus === 429 || status === 429) return 'unavailable';
  if (httpStatus === 400 || status === 400) return 'invalid_request';
  if (httpStatus >= 400 || status >= 400) return 'rejected';
  if (httpStatus >= 200 && httpStatus < 300) {
    if (code && code.httpStatus === 200 && code.caseCode === '00' && code.serviceCode === expectedService) return null;
    // 202 "in progress", an unexpected code or no JSON at all: the call reached the provider, outcome unknown.
    return 'indeterminate';
  }
  return 'indeterminate';
}

/** X-EXTERNAL-ID: digits only (some SNAP hosts refuse letters), unique per day, 22 characters ≤ 36. */
function externalId(now: Date): string {
  return `${now.getTime()}${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
}
