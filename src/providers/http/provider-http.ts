import { ProviderError, ProviderErrorKind } from '../provider.errors';

/**
 * What a provider client reports about one exchange. Deliberately no headers and no bodies: the
 * Authorization value, keys, signatures and QR payloads never reach a log line.
 */
export interface ProviderLogEntry {
  provider: string;
  method: string;
  /** The path only (no query, no host), e.g. /v2/charge. */
  path: string;
  status?: number;
  durationMs: number;
  outcome: 'ok' | ProviderErrorKind;
  detail?: string;
}

export type ProviderLogger = (entry: ProviderLogEntry) => void;

export const silentProviderLogger: ProviderLogger = () => undefined;

export interface ProviderHttpRequest {
  provider: string;
  method: 'GET' | 'POST';
  baseUrl: string;
  /** Path with its query string, appended to baseUrl. */
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  log: ProviderLogger;
}

export interface ProviderHttpResponse {
  status: number;
  /** Parsed JSON, or null when the body is empty or not JSON. */
  body: any;
}

/** Node's codes for a connection that never carried our request: the provider cannot have acted on it. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * One JSON exchange with a provider (global fetch, no redirects followed, a hard timeout). Transport
 * failures become ProviderErrors: refused/unresolvable before sending → unavailable; a timeout or a
 * connection dropped after sending → indeterminate (the provider may have acted). HTTP statuses are
 * returned to the caller, which knows the provider's error conventions (see httpStatusKind).
 */
export async function sendProviderRequest(request: ProviderHttpRequest): Promise<ProviderHttpResponse> {
  const started = Date.now();
  const pathOnly = request.path.split('?')[0];
  const log = (outcome: ProviderLogEntry['outcome'], status?: number, detail?: string) =>
    request.log({ provider: request.provider, method: request.method, path: pathOnly, status, durationMs: Date.now() - started, outcome, detail });

  let response: Response;
  let text: string;
  try {
    response = await fetch(`${request.baseUrl.replace(/\/+$/, '')}${request.path}`, {
      method: request.method,
      headers: { accept: 'application/json', ...(request.body === undefined ? {} : { 'content-type': 'application/json' }), ...request.headers },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const err = error as Error & { cause?: { code?: string } };
    const code = err.cause?.code;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      log('indeterminate', undefined, `timeout after ${request.timeoutMs} ms`);
      throw new ProviderError('indeterminate', `${request.provider}: no answer within ${request.timeoutMs} ms (the request may have taken effect)`);
    }
    if (code && NOT_SENT.has(code)) {
      log('unavailable', undefined, code);
      throw new ProviderError('unavailable', `${request.provider}: cannot connect (${code})`);
    }
    log('indeterminate', undefined, code ?? err.name);
    throw new ProviderError('indeterminate', `${request.provider}: connection failed after sending (${code ?? err.name})`);
  }

  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const kind = httpStatusKind(response.status);
  log(kind ?? 'ok', response.status);
  return { status: response.status, body };
}

/**
 * The usual meaning of an HTTP status from a provider: null for 2xx; 401/403 auth; 429 unavailable
 * (refused before processing, safe to retry); 409 and 422 rejected (understood and declined, e.g. a
 * duplicate reference); other 4xx invalid_request; 3xx (we follow no redirects), 5xx and anything else
 * indeterminate, since the provider may have acted before failing.
 */
export function httpStatusKind(status: number): ProviderErrorKind | null {
  if (status >= 200 && status < 300) return null;
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'unavailable';
  if (status === 409 || status === 422) return 'rejected';
  if (status >= 400 && status < 500) return 'invalid_request';
  return 'indeterminate';
}

/** Basic auth header value for `user:password`. */
export function basicAuth(user: string, password = ''): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}
