import { ProviderError, ProviderErrorKind } from '../provider.errors';
import { ProviderLogger, basicAuth, httpStatusKind, sendProviderRequest } from '../http/provider-http';
import { MidtransChargeRequest, MidtransTransaction } from './midtrans.mapping';

export interface MidtransClientOptions {
  serverKey: string;
  baseUrl: string;
  timeoutMs: number;
  log: ProviderLogger;
}

/**
 * HTTP only: Basic auth base64(serverKey + ":"), timeouts, and Midtrans's error convention. The Core API
 * may answer HTTP 200 with the real outcome in the body's `status_code` (as the official clients check),
 * so an error is read from the HTTP status first, then from a body status_code ≥ 400.
 */
export class MidtransClient {
  constructor(private readonly options: MidtransClientOptions) {}

  charge(body: MidtransChargeRequest): Promise<MidtransTransaction> {
    return this.send('POST', '/v2/charge', body);
  }

  /** GET /v2/{id}/status; `id` is the transaction_id (or order_id). 407 (expired) is an answer, not an error. */
  status(id: string): Promise<MidtransTransaction> {
    return this.send('GET', `/v2/${encodeURIComponent(id)}/status`, undefined, [407]);
  }

  private async send(method: 'GET' | 'POST', path: string, body: unknown, answers: number[] = []): Promise<MidtransTransaction> {
    const response = await sendProviderRequest({
      provider: 'midtrans',
      method,
      baseUrl: this.options.baseUrl,
      path,
      headers: { authorization: basicAuth(this.options.serverKey, '') },
      body,
      timeoutMs: this.options.timeoutMs,
      log: this.options.log,
    });
    const httpKind = httpStatusKind(response.status);
    if (httpKind) throw new ProviderError(httpKind, `midtrans ${method} ${path.split('/')[2] ?? path}: HTTP ${response.status}${describe(response.body)}`);
    if (!response.body || typeof response.body !== 'object') {
      throw new ProviderError('indeterminate', `midtrans ${method}: HTTP ${response.status} without a JSON body`);
    }
    const data = response.body as MidtransTransaction;
    const code = Number(data.status_code);
    if (Number.isInteger(code) && code >= 400 && !answers.includes(code)) {
      throw new ProviderError(bodyStatusKind(code), `midtrans ${method}: status_code ${code}${describe(data)}`);
    }
    return data;
  }
}

/** Midtrans body status codes: 401 auth; 406 duplicate order_id (declined); 5xx unknown outcome; other 4xx our request. */
function bodyStatusKind(code: number): ProviderErrorKind {
  if (code === 401 || code === 402 || code === 403) return 'auth';
  if (code === 406 || code === 409) return 'rejected';
  if (code === 429) return 'unavailable';
  if (code >= 500) return 'indeterminate';
  return 'invalid_request';
}

/** Midtrans's status_message only (never the body: it may carry a QR string). */
function describe(body: unknown): string {
  const message = body && typeof body === 'object' ? (body as MidtransTransaction).status_message : undefined;
  return typeof message === 'string' ? `: ${message.slice(0, 200)}` : '';
}
